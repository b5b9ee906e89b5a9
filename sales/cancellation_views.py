"""Back-office cancellation orders: the list, a cancellation's page and its steps, the order
page's "open a cancellation", and the customer page's Cancellations tab.

Each POST view calls one service, turns its `OrderError` into a message and goes back to the
cancellation; a refused reason is a 400 next to its field, and nothing is written.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from customers.models import Customer, advised_only
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin
from lumytic.core.steps import run_step
from lumytic.core.workflow import StepRefused

from .list_views import FilteredListMixin
from .models import Cancellation, SignedCancellation
from .order_details import order_timeline
from .order_forms import ReasonForm
from .order_views import OrderDetailView
from .responses import cancellation_pdf_response, signed_document_response
from .services.cancellations import (
    approve_signed_cancellation,
    complete_cancellation,
    confirm_cancellation,
    order_received,
    refuse_cancellation,
    reject_signed_cancellation,
    request_cancellation,
    sent_pi,
)
from .signed_copy_views import ApproveSignedCopy, RejectSignedCopy, SignedCopyReviewMixin


def refuse_form(*args) -> ReasonForm:
    return ReasonForm(
        *args,
        auto_id="refuse_%s",
        missing=_("Give the customer a reason for refusing the cancellation."),
        label=_("Reason for refusing (sent to the customer)"),
    )


# --- The list ------------------------------------------------------------------------------------


class CancellationListView(FilteredListMixin, ListView):
    """Every cancellation order: search, status, "awaiting action", owner and customer filters."""

    permission_required = roles.VIEW_ORDER

    template_name = "sales/cancellation_list.html"
    nav = "cancellation-list"
    statuses = Cancellation.Status.choices
    search_fields = ("number", "order__number", "customer__name", "customer__number")
    sorts = {
        "created": ("created_at", "pk"),
        "number": ("number", "pk"),
        "customer": ("customer__name", "pk"),
        "owner": ("owner__first_name", "owner__last_name", "pk"),
        "status": ("status", "pk"),
    }
    default_sort = "-created"

    def get_queryset(self):
        queryset = self.search(
            Cancellation.objects.filter(advised_only(self.request.user)).select_related(
                "order", "customer", "owner", "requested_by"
            )
        )
        if self.awaiting:
            queryset = queryset.awaiting_staff()
        owner = self.request.GET.get("owner", "")
        self.owner = "me" if owner == "me" else (int(owner) if owner.isdigit() else None)
        if self.owner == "me":
            queryset = queryset.filter(owner=self.request.user)
        elif self.owner is not None:
            queryset = queryset.filter(owner_id=self.owner)
        customer = self.request.GET.get("customer", "")
        self.customer = (
            Customer.objects.filter(pk=int(customer)).only("pk", "name").first()
            if customer.isdigit()
            else None
        )
        if self.customer is not None:
            queryset = queryset.filter(customer=self.customer)
        return self.sorted(queryset)

    def filtering(self) -> bool:
        return super().filtering() or self.owner is not None or self.customer is not None

    def get_context_data(self, **kwargs):
        owners = get_user_model().objects.staff()
        return super().get_context_data(
            awaiting_label=_("Awaiting action"),
            owner=self.owner,
            owners=owners.order_by("first_name", "last_name", "email"),
            filtered_customer=self.customer,
            sort_columns=[
                ("number", _("Number")),
                ("customer", _("Customer")),
                ("created", _("Requested")),
                ("owner", _("Owner")),
                ("status", _("Status")),
            ],
            **kwargs,
        )


# --- A cancellation's page and its steps ---------------------------------------------------------


class CancellationDetailView(StaffRequiredMixin, TemplateView):
    permission_required = roles.VIEW_ORDER
    template_name = "sales/cancellation_detail.html"

    def get_cancellation(self) -> Cancellation:
        return get_object_or_404(
            Cancellation.objects.filter(advised_only(self.request.user)).select_related(
                "order__customer",
                "order__owner",
                "owner",
                "requested_by",
                "decided_by",
                "completed_by",
                "credit",
            ),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_cancellation())

    def render_page(self, cancellation: Cancellation, status: int = 200, **extra) -> HttpResponse:
        order = cancellation.order
        documents = list(cancellation.signed_documents.select_related("uploaded_by", "decided_by"))
        latest = documents[0] if documents else None
        currency, paid, applied = order_received(order, sent_pi(order))
        context = self.get_context_data(
            nav="cancellation-list",
            cancellation=cancellation,
            order=order,
            documents=documents,
            ready_to_apply=(
                cancellation.status == Cancellation.Status.SIGNED
                and latest is not None
                and latest.status == SignedCancellation.Status.APPROVED
            ),
            received_currency=currency,
            received_paid=paid,
            received_applied=applied,
            received_total=paid + applied,
            timeline=order_timeline(order, limit=30),
            refuse_form=extra.pop("refuse_form", None) or refuse_form(),
            **extra,
        )
        return self.render_to_response(context, status=status)


class CancellationStepView(CancellationDetailView):
    permission_required = None  # each step names its own
    http_method_names = ["post"]

    def done(self, cancellation: Cancellation, step, message: str, **kwargs):
        run_step(
            self.request,
            step,
            # Named from the step's own copy: it has the number that confirming gives it.
            lambda done: message % {"cancellation": done},
            cancellation=cancellation,
            **kwargs,
        )
        return redirect(cancellation)


class CancellationConfirmView(CancellationStepView):
    permission_required = (roles.VIEW_ORDER, roles.MANAGE_CANCELLATIONS)

    def post(self, request, *args, **kwargs):
        return self.done(
            self.get_cancellation(),
            confirm_cancellation,
            _("Cancellation order %(cancellation)s is confirmed and sent to the customer to sign."),
        )


class CancellationRefuseView(CancellationStepView):
    permission_required = (roles.VIEW_ORDER, roles.MANAGE_CANCELLATIONS)

    def post(self, request, *args, **kwargs):
        cancellation = self.get_cancellation()
        form = refuse_form(request.POST)
        if not form.is_valid():
            messages.error(request, _("The request was not refused; see the reason field."))
            return self.render_page(cancellation, status=400, refuse_form=form)
        return self.done(
            cancellation,
            refuse_cancellation,
            _("The cancellation request is refused; the customer is told why."),
            reason=form.cleaned_data["reason"],
        )


class CancellationCompleteView(CancellationStepView):
    permission_required = (roles.VIEW_ORDER, roles.MANAGE_CANCELLATIONS)

    def post(self, request, *args, **kwargs):
        return self.done(
            self.get_cancellation(),
            complete_cancellation,
            _(
                "Cancellation order %(cancellation)s is applied: the order is cancelled and the "
                "money received is now customer credit."
            ),
        )


class CancellationPdfView(CancellationDetailView):
    permission_required = roles.VIEW_ORDER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return cancellation_pdf_response(self.get_cancellation())


class SignedCancellationMixin(SignedCopyReviewMixin):
    def review_page(self, document: SignedCancellation) -> Cancellation:
        return document.cancellation

    def render_refused(self, page: Cancellation, **reject_context) -> HttpResponse:
        return self.render_page(page, status=400, **reject_context)

    def signed_copy(self) -> SignedCancellation:
        return get_object_or_404(
            SignedCancellation.objects.filter(
                advised_only(self.request.user, "cancellation__customer")
            ).select_related("cancellation__order"),
            pk=self.kwargs["pk"],
        )


class SignedCancellationFileView(SignedCancellationMixin, CancellationDetailView):
    permission_required = roles.VIEW_ORDER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return signed_document_response(self.signed_copy())


class SignedCancellationApproveView(
    ApproveSignedCopy, SignedCancellationMixin, CancellationStepView
):
    step = staticmethod(approve_signed_cancellation)
    done = gettext_lazy(
        "The signed copy (version %(version)s) is approved; the cancellation can be applied."
    )


class SignedCancellationRejectView(RejectSignedCopy, SignedCancellationMixin, CancellationStepView):
    step = staticmethod(reject_signed_cancellation)


# --- From the order page -------------------------------------------------------------------------


class OrderCancellationCreateView(OrderDetailView):
    """Open a cancellation order on the customer's behalf (e.g. asked by phone)."""

    permission_required = (roles.VIEW_ORDER, roles.MANAGE_CANCELLATIONS)

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = ReasonForm(
            request.POST,
            auto_id="cancellation_%s",
            missing=_("Write down why the customer wants to cancel."),
        )
        if not form.is_valid():
            messages.error(request, _("The cancellation order was not opened; see the reason."))
            return self.render_page(order, status=400, cancellation_form=form)
        try:
            cancellation = request_cancellation(
                order=order, by=request.user, reason=form.cleaned_data["reason"]
            )
        except StepRefused as error:
            messages.error(request, str(error))
            return redirect(order)
        messages.success(
            request,
            _("The cancellation request for %(order)s is open. Confirm it to send it for signing.")
            % {"order": order},
        )
        return redirect(cancellation)


# --- The customer page's tab ---------------------------------------------------------------------


class CustomerCancellationsTab(CustomerTabView):
    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_ORDER)
    tab = "cancellations"
    tab_template = "sales/cancellation_customer_tab.html"

    def get_tab_context(self, customer: Customer) -> dict:
        return self.paginate(
            Cancellation.objects.filter(customer=customer)
            .select_related("order", "owner")
            .order_by("-created_at", "-pk")
        )
