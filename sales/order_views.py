"""Back-office order pages: the list, an order's page, a new order with its product picker,
staff changes to a submitted order, and the customer page's Orders tab.

The workflow steps on an order (owner, cancel, confirm for the customer) are in
`order_step_views.py`; each POST view calls one service and turns its `OrderError` into a message.
"""

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from customers.models import Customer, advised_only
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin
from lumytic.core.lists import page_context, search_text
from lumytic.core.validation import amounts_fit
from lumytic.core.workflow import StepRefused

from .catalogue import product_search
from .models import Cancellation, Order, OrderLine, plain
from .order_details import order_addresses, order_timeline
from .order_forms import (
    CustomerSearchForm,
    LineEditor,
    NewOrderForm,
    OrderEditForm,
    OrderFilter,
    OwnerForm,
    ReasonForm,
    StaffCancelForm,
)
from .progress import order_progress
from .services.cancellations import CANCELLABLE
from .services.orders import (
    catalogue_line,
    create_order,
    too_large_message,
    update_order,
)
from .totals import compute_totals

RATE_SOURCES = {
    "base": gettext_lazy("same currency"),
    "customer": gettext_lazy("customer rate"),
    "manual": gettext_lazy("manual rate"),
    "daily": gettext_lazy("daily rate"),
}


def _datetime(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# --- The list ------------------------------------------------------------------------------------


class OrderListView(StaffRequiredMixin, TemplateView):
    """Every order: search, filters, sortable columns, pages; a fixed number of queries."""

    permission_required = roles.VIEW_ORDER

    template_name = "sales/order_list.html"
    paginate_by = 25
    # sort key -> (label, ordering)
    # sort key -> (column label, fields); empty values (a draft's number) sort last
    SORTS = {
        "number": (gettext_lazy("Number"), ("number",)),
        "customer": (gettext_lazy("Customer"), ("customer__name", "customer_id")),
        "reference": (gettext_lazy("Reference"), ("customer_reference",)),
        "status": (gettext_lazy("Status"), ("status",)),
        "date": (gettext_lazy("Date"), ("created_at",)),
        "owner": (gettext_lazy("Owner"), ("owner__first_name", "owner__last_name")),
        "total": (gettext_lazy("Total"), ("total",)),
    }
    DEFAULT_SORT = "-date"

    def sort(self) -> tuple[str, bool]:
        value = self.request.GET.get("sort", self.DEFAULT_SORT)
        key = value.removeprefix("-")
        if key not in self.SORTS:
            value, key = self.DEFAULT_SORT, self.DEFAULT_SORT.removeprefix("-")
        return key, value.startswith("-")

    def ordering(self, key: str, descending: bool) -> list:
        fields = [F(name) for name in self.SORTS[key][1]]
        if descending:
            return [*(f.desc(nulls_last=True) for f in fields), "-pk"]
        return [*(f.asc(nulls_last=True) for f in fields), "pk"]

    def get(self, request, *args, **kwargs):
        orders = Order.objects.filter(advised_only(request.user)).select_related(
            "customer", "owner"
        )
        filterset = OrderFilter(request.GET, queryset=orders, request=request)
        valid = filterset.is_valid()
        queryset = filterset.qs
        if not filterset.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Order.Status.DRAFT)  # carts only when asked
        key, descending = self.sort()
        queryset = queryset.order_by(*self.ordering(key, descending))
        params = {k: v for k, v in request.GET.items() if k not in ("page", "sort") and v}
        columns = [
            {
                "key": name,
                "label": label,
                "url": "?"
                + urlencode(
                    {**params, "sort": name if (name != key or descending) else f"-{name}"}
                ),
                "active": name == key,
            }
            for name, (label, _ordering) in self.SORTS.items()
        ]
        if not valid:
            messages.error(request, _("Some filters are not valid; they are ignored."))
        context = self.get_context_data(
            nav="order-list",
            filter=filterset,
            **page_context(request, queryset, self.paginate_by),
            columns=columns,
            sort_key=key,
            descending=descending,
            sort_value=f"{'-' if descending else ''}{key}",
            filtered_customer=filterset.form.cleaned_data.get("customer") if valid else None,
            active_filters=filterset.active(),
            without_customer="?" + urlencode({k: v for k, v in params.items() if k != "customer"}),
        )
        return self.render_to_response(context, status=200 if valid else 400)


# --- An order's page and staff changes -----------------------------------------------------------


class OrderDetailView(StaffRequiredMixin, TemplateView):
    """An order: lines, totals, rate, addresses, timeline, documents; owner and cancel forms."""

    permission_required = roles.VIEW_ORDER

    template_name = "sales/order_detail.html"

    def get_order(self) -> Order:
        return get_object_or_404(
            Order.objects.filter(advised_only(self.request.user)).select_related(
                "customer", "owner", "placed_by", "source_quotation"
            ),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_order())

    def render_page(self, order: Order, status: int = 200, **forms) -> HttpResponse:
        lines = list(OrderLine.objects.filter(order=order).select_related("product"))
        cancellations = list(order.cancellations.select_related("owner"))
        context = self.get_context_data(
            nav="order-list",
            order=order,
            lines=lines,
            timeline=order_timeline(order),
            progress=order_progress(order.status, side="office"),
            owner_form=forms.get("owner_form")
            or OwnerForm(initial={"owner": order.owner_id}, auto_id="owner_%s"),
            cancel_form=forms.get("cancel_form") or StaffCancelForm(auto_id="cancel_%s"),
            cancellations=cancellations,
            may_open_cancellation=order.status in CANCELLABLE
            and not any(c.status != Cancellation.Status.REFUSED for c in cancellations),
            cancellation_form=forms.get("cancellation_form")
            or ReasonForm(auto_id="cancellation_%s"),
            rate_source=RATE_SOURCES.get(order.rate_source, order.rate_source),
            rate_text=plain(order.exchange_rate) if order.exchange_rate is not None else "",
            addresses=order_addresses(order),
            facts=[
                (_("Placed by"), order.placed_by or _("Sales team")),
                (_("Owner"), order.owner),
                (_("Customer reference"), order.customer_reference),
                (_("Currency"), order.currency),
                (_("Quotation"), order.source_quotation),
                (_("Created"), _datetime(order.created_at)),
                (_("Submitted"), _datetime(order.submitted_at)),
                (_("Confirmed"), _datetime(order.confirmed_at)),
            ],
        )
        return self.render_to_response(context, status=status)


class OrderEditView(OrderDetailView):
    """Staff change a submitted order for the customer (who phoned or wrote): quantities, lines
    removed, the reference and the notes; the customer and the owner are told who changed it."""

    permission_required = (roles.VIEW_ORDER, roles.CHANGE_ORDER)
    template_name = "sales/order_edit.html"

    def get(self, request, *args, **kwargs):
        order = self.get_order()
        if order.status != Order.Status.SUBMITTED:
            return self.not_editable(order)
        lines = list(OrderLine.objects.filter(order=order))
        return self.render_form(order, OrderEditForm(order=order, lines=lines))

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        if order.status != Order.Status.SUBMITTED:
            return self.not_editable(order)
        form = OrderEditForm(
            request.POST, order=order, lines=list(OrderLine.objects.filter(order=order))
        )
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(order, form, status=400)
        try:
            update_order(order=order, by=request.user, **form.changes())
        except StepRefused as error:
            form.add_error(None, str(error))
            return self.render_form(order, form, status=400)
        messages.success(
            request,
            _("Order %(order)s is changed for %(customer)s; they are told.")
            % {"order": order, "customer": order.customer},
        )
        return redirect(order)

    def not_editable(self, order: Order) -> HttpResponse:
        messages.info(
            self.request,
            _("Order %(order)s is %(status)s; only a submitted order can be changed here.")
            % {"order": order, "status": order.get_status_display().lower()},
        )
        return redirect(order)

    def render_form(self, order: Order, form: OrderEditForm, status: int = 200) -> HttpResponse:
        context = self.get_context_data(nav="order-list", order=order, form=form)
        return self.render_to_response(context, status=status)


# --- A new order ---------------------------------------------------------------------------------


class OrderCreateView(StaffRequiredMixin, TemplateView):
    """Staff place an order for a customer: pick the customer, then lines from the catalogue.

    The line editor round-trips through the server (add, remove, re-price), so it works with
    the keyboard and without JavaScript; htmx only fills the product search results.
    """

    permission_required = (roles.VIEW_ORDER, roles.CHANGE_ORDER)

    template_name = "sales/order_form.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.htmx.target == "customer-results":
            return [f"{self.template_name}#customer_results"]
        return [self.template_name]

    def customer(self, value) -> Customer | None:
        if not str(value or "").isdigit():
            return None
        return get_object_or_404(Customer.objects.select_related("advisor"), pk=int(value))

    def get(self, request, *args, **kwargs):
        customer = self.customer(request.GET.get("customer"))
        if customer is None:
            search = CustomerSearchForm(request.GET or None)
            return self.render_to_response(
                self.get_context_data(nav="order-list", search=search, results=search.results())
            )
        form = NewOrderForm(customer=customer)
        return self.render_editor(customer, form, LineEditor())

    def post(self, request, *args, **kwargs):
        customer = self.customer(request.POST.get("customer"))
        if customer is None:
            messages.error(request, _("Choose the customer first."))
            return redirect("sales:order-create")
        form = NewOrderForm(request.POST, customer=customer)
        editor = LineEditor(request.POST)
        if request.POST.get("add_product"):
            editor.add(request.POST["add_product"].strip())
        if request.POST.get("remove"):
            editor.remove(request.POST["remove"])
        action = request.POST.get("action", "")
        lines_ok = editor.validate()
        form_ok = form.is_valid()
        currency = form.cleaned_data.get("currency") if form_ok else customer.default_currency
        priced = self.price(editor, customer, currency)
        if action != "create":
            return self.render_editor(customer, form, editor)
        if not (form_ok and lines_ok and priced):
            if not editor.rows:
                messages.error(request, _("Add at least one product to the order."))
            else:
                messages.error(request, _("Please correct the errors below."))
            return self.render_editor(customer, form, editor, status=400)
        data = form.cleaned_data
        try:
            order = create_order(
                customer=customer,
                by=request.user,
                lines=[row.line for row in editor.rows],
                currency=data["currency"],
                customer_reference=data["customer_reference"],
                notes=data["notes"],
            )
        except StepRefused as error:
            messages.error(request, str(error))
            return self.render_editor(customer, form, editor, status=400)
        messages.success(
            request,
            _("Order %(order)s is placed for %(customer)s.")
            % {"order": order, "customer": customer},
        )
        return redirect(order)

    def price(self, editor: LineEditor, customer: Customer, currency: str) -> bool:
        """Price each valid row from the catalogue; a row that can't be priced gets an error."""
        today = timezone.localdate()
        for row in editor.rows:
            row.line = None
            if row.error:
                continue
            try:
                row.line = catalogue_line(
                    product=row.product,
                    quantity=row.quantity,
                    customer=customer,
                    currency=currency,
                    on=today,
                )
            except StepRefused as error:
                row.error = str(error)
                continue
            # Refused here, next to the line, before the order's own check refuses the total.
            if not amounts_fit(row.line["quantity"] * row.line["unit_price"]):
                row.error, row.line = too_large_message(currency), None
        return bool(editor.rows) and all(row.line for row in editor.rows)

    def render_editor(self, customer, form, editor, status: int = 200) -> HttpResponse:
        currency = (
            form.cleaned_data.get("currency")
            if form.is_bound and form.is_valid()
            else customer.default_currency
        )
        if not form.is_bound:
            self.price(editor, customer, currency)
        priced = [OrderLine(**row.line) for row in editor.rows if row.line]
        post = self.request.method == "POST"
        product_q = search_text(self.request, "product_q", data=self.request.POST) if post else ""
        context = self.get_context_data(
            nav="order-list",
            customer=customer,
            form=form,
            rows=[(row, OrderLine(**row.line) if row.line else None) for row in editor.rows],
            totals=compute_totals(priced, currency) if priced else None,
            currency=currency,
            product_q=product_q,
            products=list(product_search(product_q)[:10]) if product_q else [],
        )
        return self.render_to_response(context, status=status)


class ProductSearchView(StaffRequiredMixin, TemplateView):
    """The new-order form's product picker (an htmx fragment)."""

    permission_required = (roles.VIEW_ORDER, roles.CHANGE_ORDER)

    template_name = "sales/_order_products.html"

    def get_context_data(self, **kwargs):
        query = search_text(self.request, "product_q")
        return super().get_context_data(
            product_q=query, products=list(product_search(query)[:10]) if query else []
        )


# --- The customer page's Orders tab --------------------------------------------------------------


class CustomerOrdersTab(CustomerTabView):
    """A customer's orders, newest first, with a button to place a new one."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_ORDER)

    tab = "orders"
    tab_template = "sales/order_customer_tab.html"

    def get_tab_context(self, customer: Customer) -> dict:
        return {
            "new_order_url": reverse("sales:order-create")
            + "?"
            + urlencode({"customer": customer.pk}),
            **self.paginate(
                Order.objects.filter(customer=customer)
                .exclude(status=Order.Status.DRAFT)
                .select_related("owner")
                .order_by("-created_at", "-pk")
            ),
        }
