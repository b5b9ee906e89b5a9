"""Portal orders (area "orders"): the list, an order, a cart built from the catalogue, and the
customer's steps — submit, update, confirm, cancel — each a small POST view calling one service.

Every lookup starts from `scoped()` and then `visible_orders()`, so another customer's order,
a colleague's order under "only show my own orders", or a colleague's cart is a 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from lumytic.core.lists import search_text
from sales.address_forms import AddressStep
from sales.catalogue import product_search
from sales.models import Cancellation, Memo, Order, OrderLine, ProformaInvoice, SignedDocument
from sales.order_details import order_addresses
from sales.progress import order_progress
from sales.services.cancellations import CANCELLABLE
from sales.services.orders import (
    OrderError,
    OrderTooLarge,
    cancel_order,
    catalogue_line,
    confirm_order,
    create_order,
    line_values,
    submit_order,
    update_order,
)

from .access import PortalRequiredMixin, has_area
from .models import Area
from .order_forms import AddLineForm, CancelForm, CartForm

CATALOGUE_PAGE = 12


def visible_orders(orders: QuerySet, user) -> QuerySet:
    """Of a customer's orders (already scoped), the ones this portal user may see.

    With "only show my own orders" that is the orders they placed; a draft is a private cart,
    so only the user who fills it sees it.
    """
    access = getattr(user, "portal_access", None)
    if access is not None and access.own_orders_only:
        orders = orders.filter(placed_by=user)
    return orders.filter(~Q(status=Order.Status.DRAFT) | Q(placed_by=user))


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


def _lines_of(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order=order).select_related("product"))


@dataclass
class CarriedCart:
    """The cart's lines and header as the customer typed them, unsaved, when a catalogue add
    or a line removal brought them along (static/js/cart.js); else the saved ones."""

    form: CartForm | None
    lines: dict[int, dict]  # line pk -> the values the services take
    header: dict[str, str]

    @property
    def valid(self) -> bool:
        return self.form is None or not self.form.errors


def _carried_cart(request, current: list[OrderLine]) -> CarriedCart:
    lines = dict(zip((line.pk for line in current), line_values(current), strict=True))
    if "customer_reference" not in request.POST and "notes" not in request.POST:
        return CarriedCart(form=None, lines=lines, header={})
    form = CartForm(request.POST, lines=current)
    if not form.is_valid():
        return CarriedCart(form=form, lines=lines, header={})
    for pk, quantity in form.quantities().items():
        lines[pk]["quantity"] = quantity
    header = {key: form.cleaned_data[key] for key in ("customer_reference", "notes")}
    return CarriedCart(form=form, lines=lines, header=header)


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
        status = self.request.GET.get("status", "")
        orders = self.visible().select_related("placed_by").order_by("-created_at", "-pk")
        if query:
            orders = orders.filter(
                Q(number__icontains=query) | Q(customer_reference__icontains=query)
            )
        if status in Order.Status.values:
            orders = orders.filter(status=status)
        page = Paginator(orders, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            object_list=page.object_list,
            q=query,
            status=status if status in Order.Status.values else "",
            statuses=Order.Status.choices,
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
            lines=_lines_of(order),
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


# --- The cart: build or change an order from the catalogue ---------------------------------------


class OrderCartView(PlaceOrdersMixin, TemplateView):
    """The catalogue beside the order being built (a draft) or changed (submitted)."""

    template_name = "portal/order_cart.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.htmx.target == "catalogue":
            return [f"{self.template_name}#catalogue"]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        if "pk" not in kwargs:
            cart = self.visible().filter(status=Order.Status.DRAFT, placed_by=request.user)
            draft = cart.order_by("-created_at").first()
            if draft is not None:
                return redirect("portal:order-edit", pk=draft.pk)
            return self.render_cart(None)
        order = self.get_order()
        if not order.is_open:
            messages.info(
                request,
                _("Order %(order)s is confirmed; it can't be changed here.") % {"order": order},
            )
            return redirect("portal:order-detail", pk=order.pk)
        return self.render_cart(order)

    def render_cart(self, order: Order | None, status: int = 200, **forms) -> HttpResponse:
        lines = _lines_of(order) if order else []
        currency = order.currency if order else self.customer.default_currency
        query = search_text(self.request)
        page = Paginator(product_search(query), CATALOGUE_PAGE).get_page(
            self.request.GET.get("page")
        )
        today = timezone.localdate()
        catalogue = []
        for product in page.object_list:
            try:
                line = catalogue_line(
                    product=product, quantity=1, customer=self.customer, currency=currency, on=today
                )
            except OrderError:
                line = None  # no rate to price it in this currency today
            catalogue.append((product, line))
        add_url = (
            reverse("portal:order-line-add", args=[order.pk])
            if order
            else reverse("portal:order-create")
        )
        context = self.get_context_data(
            order=order,
            lines=lines,
            currency=currency,
            cart_form=forms.get("cart_form")
            or (
                CartForm(
                    lines=lines,
                    initial={"customer_reference": order.customer_reference, "notes": order.notes},
                )
                if order
                else None
            ),
            add_form=forms.get("add_form"),
            catalogue=catalogue,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            q=query,
            add_url=add_url,
        )
        return self.render_to_response(context, status=status)


class OrderCreateView(OrderCartView):
    """The first product put in the cart creates the draft order."""

    def post(self, request, *args, **kwargs):
        form = AddLineForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.render_cart(None, status=400, add_form=form)
        data = form.cleaned_data
        try:
            line = catalogue_line(
                product=data["product"],
                quantity=data["quantity"],
                customer=self.customer,
                currency=self.customer.default_currency,
                on=timezone.localdate(),
            )
            order = create_order(
                customer=self.customer,
                by=request.user,
                placed_by=request.user,
                lines=[line],
                submit=False,
            )
        except OrderError as error:
            messages.error(request, str(error))
            return self.render_cart(None, status=400, add_form=form)
        messages.success(
            request, _("%(product)s is in your order.") % {"product": data["product"].name}
        )
        return redirect("portal:order-edit", pk=order.pk)


class OrderLineAddView(OrderCartView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = AddLineForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.render_cart(order, status=400, add_form=form)
        product, quantity = form.cleaned_data["product"], form.cleaned_data["quantity"]
        carried = _carried_cart(request, _lines_of(order))
        if not carried.valid:
            messages.error(request, _("Please correct the errors below; nothing is added yet."))
            return self.render_cart(order, status=400, cart_form=carried.form)
        lines, header = list(carried.lines.values()), carried.header
        try:
            same = next((line for line in lines if line["product"] == product), None)
            if same is not None:
                same["quantity"] += quantity
            else:
                lines.append(
                    catalogue_line(
                        product=product,
                        quantity=quantity,
                        customer=self.customer,
                        currency=order.currency,
                        on=timezone.localdate(),
                    )
                )
            update_order(order=order, by=request.user, lines=lines, **header)
        except OrderTooLarge as error:
            messages.error(request, str(error))
            return self.render_cart(order, status=400, add_form=form)
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(product)s is in your order.") % {"product": product.name}
            )
        return redirect("portal:order-edit", pk=order.pk)


class OrderLinesUpdateView(OrderCartView):
    """Save changed quantities, the reference and the notes in one update; with
    ``then=submit`` (the cart's Submit button) submit the draft right after, so what the
    customer typed is never lost to a submit."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        lines = _lines_of(order)
        form = CartForm(request.POST, lines=lines)
        submit = request.POST.get("then") == "submit"
        if not form.is_valid():
            messages.error(
                request,
                _("Please correct the errors below; the order is not submitted yet.")
                if submit
                else _("Please correct the errors below."),
            )
            return self.render_cart(order, status=400, cart_form=form)
        quantities = form.quantities()
        changed = line_values(lines)
        for line, values in zip(lines, changed, strict=True):
            values["quantity"] = quantities[line.pk]
        try:
            update_order(
                order=order,
                by=request.user,
                lines=changed,
                customer_reference=form.cleaned_data["customer_reference"],
                notes=form.cleaned_data["notes"],
            )
        except OrderError as error:
            messages.error(request, str(error))
            return redirect("portal:order-edit", pk=order.pk)
        if submit and order.status == Order.Status.DRAFT:
            return _submit(request, order)
        messages.success(request, _("Your changes to the order are saved."))
        if order.status == Order.Status.SUBMITTED:
            return redirect("portal:order-detail", pk=order.pk)
        return redirect("portal:order-edit", pk=order.pk)


class OrderLineRemoveView(OrderCartView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        lines = _lines_of(order)
        removed = next((line for line in lines if line.pk == kwargs["line_pk"]), None)
        if removed is None:
            raise Http404("No such line on this order.")
        carried = _carried_cart(request, lines)
        if not carried.valid:
            messages.error(request, _("Please correct the errors below; nothing is removed yet."))
            return self.render_cart(order, status=400, cart_form=carried.form)
        kept = [values for pk, values in carried.lines.items() if pk != removed.pk]
        try:
            update_order(order=order, by=request.user, lines=kept, **carried.header)
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(product)s is removed.") % {"product": removed})
        return redirect("portal:order-edit", pk=order.pk)


# --- Steps ---------------------------------------------------------------------------------------


class OrderSubmitView(PlaceOrdersMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return _submit(request, self.get_order())


def _submit(request, order: Order) -> HttpResponse:
    try:
        order = submit_order(order=order, by=request.user)
    except OrderError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Order %(order)s is sent to our sales team. Confirm it when you are ready.")
            % {"order": order},
        )
    return redirect("portal:order-detail", pk=order.pk)


class OrderCancelView(PlaceOrdersMixin, OrderDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = CancelForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_page(order, status=400, cancel_form=form)
        try:
            cancel_order(order=order, by=request.user, reason=form.cleaned_data["reason"])
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Order %(order)s is cancelled.") % {"order": order})
        return redirect("portal:order-detail", pk=order.pk)


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
        try:
            confirm_order(order=order, by=request.user, **step.addresses)
        except OrderError as error:
            messages.error(request, str(error))
            return redirect("portal:order-detail", pk=order.pk)
        messages.success(request, _("Thank you! Order %(order)s is confirmed.") % {"order": order})
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
        context = self.get_context_data(order=order, lines=_lines_of(order), **step.context())
        return self.render_to_response(context, status=status)
