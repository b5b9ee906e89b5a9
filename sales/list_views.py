"""Back-office lists of proforma invoices and payments: filters, "awaiting action", search,
sorting and pagination, in a constant number of queries whatever the number of rows."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from customers.models import advised_only
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin
from lumytic.core.lists import LenientPagesMixin, SortableListMixin, search_text

from .models import Payment, PiState, ProformaInvoice, SignedDocument

MAX_WORDS = 5


def awaiting_review_pis():
    """PIs whose latest signed copy waits for staff review (a pending version exists)."""
    pending = SignedDocument.objects.filter(pi=OuterRef("pk"), status=SignedDocument.Status.PENDING)
    return Exists(pending)


class FilteredListMixin(StaffRequiredMixin, LenientPagesMixin, SortableListMixin):
    paginate_by = 25
    search_fields: tuple[str, ...] = ()
    statuses: list = []
    status_field = "status"
    nav = ""

    def search(self, queryset):
        self.q = search_text(self.request)
        for word in self.q.split()[:MAX_WORDS]:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        self.status = self.request.GET.get("status", "")
        if self.status not in {value for value, _label in self.statuses}:
            self.status = ""
        elif self.status:
            queryset = queryset.filter(**{self.status_field: self.status})
        self.awaiting = self.request.GET.get("awaiting") == "1"
        return queryset

    def filtering(self) -> bool:
        return bool(self.q or self.status or self.awaiting)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav=self.nav,
            q=self.q,
            status=self.status,
            statuses=self.statuses,
            awaiting=self.awaiting,
            filtering=self.filtering(),
            **self.sort_context(),
            **kwargs,
        )


class PiListView(FilteredListMixin, ListView):
    permission_required = roles.VIEW_ORDER
    template_name = "sales/pi_list.html"
    nav = "pi-list"
    statuses = PiState.choices
    status_field = "state"  # where the PI's money stands, not only draft or sent
    search_fields = ("number", "order__number", "order__customer__name", "order__customer__number")
    sorts = {
        "created": ("created_at", "pk"),
        "number": ("number",),
        "customer": ("order__customer__name", "pk"),
        "issue_date": ("issue_date", "pk"),
        "due_date": ("due_date", "pk"),
        "total": ("total", "pk"),
        "balance": ("balance", "pk"),
        "status": ("state", "pk"),
    }
    default_sort = "-created"

    def get_queryset(self):
        queryset = (
            ProformaInvoice.objects.filter(advised_only(self.request.user, "order__customer"))
            .select_related("order__customer")
            .with_amounts()
            .annotate(awaiting_review=awaiting_review_pis())
        )
        queryset = self.search(queryset)
        if self.awaiting:
            queryset = queryset.filter(awaiting_review=True)
        return self.sorted(queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            awaiting_label=_("Signed copy awaits review"),
            sort_columns=[
                ("number", _("Number")),
                ("customer", _("Customer")),
                ("issue_date", _("Issued")),
                ("due_date", _("Due")),
                ("total", _("Total")),
                ("status", _("Status")),
                ("balance", _("Balance")),
            ],
            **kwargs,
        )


class PaymentListView(FilteredListMixin, ListView):
    permission_required = roles.VIEW_ORDER
    template_name = "sales/payment_list.html"
    nav = "payment-list"
    statuses = Payment.Status.choices
    search_fields = (
        "pi__number",
        "pi__order__number",
        "pi__order__customer__name",
        "pi__order__customer__number",
        "bank_reference",
    )
    sorts = {
        "uploaded": ("uploaded_at", "pk"),
        "pi": ("pi__number", "pk"),
        "customer": ("pi__order__customer__name", "pk"),
        "paid_on": ("paid_on", "pk"),
        "amount": ("amount", "pk"),
        "status": ("status", "pk"),
    }
    default_sort = "-uploaded"

    def get_queryset(self):
        queryset = self.search(
            Payment.objects.filter(
                advised_only(self.request.user, "pi__order__customer")
            ).select_related("pi__order__customer", "uploaded_by", "decided_by")
        )
        if self.awaiting:
            queryset = queryset.filter(status=Payment.Status.PENDING)
        return self.sorted(queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            awaiting_label=_("Awaiting review"),
            sort_columns=[
                ("pi", _("Proforma invoice")),
                ("customer", _("Customer")),
                ("paid_on", _("Paid on")),
                ("uploaded", _("Uploaded")),
                ("amount", _("Amount")),
                ("status", _("Status")),
            ],
            **kwargs,
        )


# --- The customer page's tabs --------------------------------------------------------------------


class CustomerPisTab(CustomerTabView):
    """A customer's proforma invoices, newest first, with where each one's money stands."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_ORDER)

    tab = "proforma-invoices"
    tab_template = "sales/pi_customer_tab.html"

    def get_tab_context(self, customer) -> dict:
        return self.paginate(
            ProformaInvoice.objects.filter(order__customer=customer)
            .select_related("order")
            .with_amounts()
            .order_by("-created_at", "-pk")
        )


class CustomerPaymentsTab(CustomerTabView):
    """A customer's SWIFT payments, newest upload first, whatever their review status."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_ORDER)

    tab = "payments"
    tab_template = "sales/payment_customer_tab.html"

    def get_tab_context(self, customer) -> dict:
        return self.paginate(
            Payment.objects.filter(pi__order__customer=customer)
            .select_related("pi__order", "uploaded_by", "decided_by")
            .order_by("-uploaded_at", "-pk")
        )
