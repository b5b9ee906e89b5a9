"""Portal orders (area "orders"): the list, an order's page, and the customer's confirm and
cancel steps, each a small POST view calling one service. The cart (build, change, submit) is in
`cart_views.py`.

Every lookup starts from `scoped()` and then `visible_orders()`, so another customer's order,
a colleague's order under "only show my own orders", or a colleague's cart is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from lumytic.core.lists import search_text, status_page
from lumytic.core.steps import run_step
from sales.address_forms import AddressStep
from sales.models import Cancellation, Memo, Order, ProformaInvoice, SignedDocument
from sales.order_details import order_addresses
from sales.order_step_views import OrderCancelStep
from sales.progress import order_progress
from sales.services.cancellations import CANCELLABLE
from sales.services.orders import (
    confirm_order,
)

from .access import PortalRequiredMixin, has_area
from .models import Area
from .order_forms import CancelForm
from .querysets import order_lines, visible_orders


def _with_cache(model, rows: list) -> QuerySet:
    # What a prefetch leaves on an instance: a queryset whose rows are already read.
    queryset = model.objects.none()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def pis_with_documents(order: Order) -> list[ProformaInvoice]:
    """The order's sent PIs with their money, signed copies and memos (each with its signed
    copies), as `with_documents()` gives them, in three queries instead of four."""
    pis = list(order.proforma_invoices.sent().with_amounts())
    if not pis:
        return pis
    documents = list(
        SignedDocument.objects.filter(pi__in=pis).select_related("uploaded_by", "decided_by")
    )
    memos = list(Memo.objects.filter(pi__in=pis).select_related("created_by"))
    for memo in memos:
        memo._prefetched_objects_cache = {
            "signed_documents": _with_cache(
                SignedDocument, [d for d in documents if d.memo_id == memo.pk]
            )
        }
    for pi in pis:
        pi._prefetched_objects_cache = {
            "signed_documents": _with_cache(
                SignedDocument, [d for d in documents if d.pi_id == pi.pk and d.memo_id is None]
            ),
            "memos": _with_cache(Memo, [m for m in memos if m.pi_id == pi.pk]),
        }
    return pis


class OrderAreaMixin(PortalRequiredMixin):
    area = Area.ORDERS
    nav = Area.ORDERS

    def visible(self) -> QuerySet:
        return visible_orders(self.scoped(Order.objects.all()), self.request.user)

    def get_order(self) -> Order:
        return get_object_or_404(
            self.visible().select_related("customer", "placed_by"), pk=self.kwargs["pk"]
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.get_order()  # someone else's order is a 404 whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)


class PlaceOrdersMixin(OrderAreaMixin):
    """Changing orders needs the area's `place_orders` permission too."""

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed and not self.request.user.has_perm("portal.place_orders"):
            raise PermissionDenied("You may see orders but not place or change them.")
        return allowed


# --- Reading -------------------------------------------------------------------------------------


class OrderListView(OrderAreaMixin, TemplateView):
    template_name = "portal/order_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        query = search_text(self.request)
        orders = self.visible().select_related("placed_by").order_by("-created_at", "-pk")
        if query:
            orders = orders.filter(
                Q(number__icontains=query) | Q(customer_reference__icontains=query)
            )
        return super().get_context_data(
            **status_page(self.request, orders, Order.Status.choices, self.paginate_by),
            q=query,
            **kwargs,
        )


class OrderDetailView(OrderAreaMixin, TemplateView):
    template_name = "portal/order_detail.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_order())

    def render_page(self, order: Order, status: int = 200, **extra) -> HttpResponse:
        history = [
            (_("Created"), order.created_at),
            (_("Submitted"), order.submitted_at),
            (_("Confirmed"), order.confirmed_at),
            (_("Cancelled"), order.cancelled_at),
        ]
        cancellations = list(order.cancellations.all())
        may_request = order.status in CANCELLABLE and all(
            c.status == Cancellation.Status.REFUSED for c in cancellations
        )
        context = self.get_context_data(
            order=order,
            progress=order_progress(order.status, side="portal"),
            lines=order_lines(order),
            pis=pis_with_documents(order),
            addresses=order_addresses(order),
            history=[(label, when) for label, when in history if when],
            may_change=self.request.user.has_perm("portal.place_orders"),
            cancel_form=extra.pop("cancel_form", None) or CancelForm(),
            cancellations=cancellations,
            may_request_cancellation=may_request,
            show_cancellation=has_area(self.request.user, Area.CANCELLATIONS)
            and bool(cancellations or may_request),
            **extra,
        )
        return self.render_to_response(context, status=status)


# --- Steps ---------------------------------------------------------------------------------------


class OrderCancelView(OrderCancelStep, PlaceOrdersMixin, OrderDetailView):
    form_refused = gettext_lazy("Please correct the errors below.")

    def cancel_form(self, data) -> CancelForm:
        return CancelForm(data)

    def order_url(self, order: Order) -> str:
        return reverse("portal:order-detail", args=[order.pk])


class OrderConfirmView(PlaceOrdersMixin, TemplateView):
    """Confirm a submitted order with billing and shipping details (prefilled from the company)."""

    template_name = "portal/order_confirm.html"

    def get(self, request, *args, **kwargs):
        order = self.get_order()
        if order.status != Order.Status.SUBMITTED:
            messages.info(request, self.not_confirmable(order))
            return redirect("portal:order-detail", pk=order.pk)
        return self.render_form(order, AddressStep(self.customer))

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        step = AddressStep(self.customer, request.POST)
        if not step.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(order, step, status=400)
        run_step(
            request,
            confirm_order,
            _("Thank you! Order %(order)s is confirmed.") % {"order": order},
            order=order,
            **step.addresses,
        )
        return redirect("portal:order-detail", pk=order.pk)

    @staticmethod
    def not_confirmable(order: Order) -> str:
        if order.status == Order.Status.DRAFT:
            return _("Submit the order before confirming it.")
        return _("Order %(order)s is %(status)s; there is nothing to confirm.") % {
            "order": order,
            "status": order.get_status_display().lower(),
        }

    def render_form(self, order, step: AddressStep, status: int = 200) -> HttpResponse:
        context = self.get_context_data(order=order, lines=order_lines(order), **step.context())
        return self.render_to_response(context, status=status)
