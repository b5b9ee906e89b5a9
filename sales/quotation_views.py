"""Quotations in the back-office: list, editor, detail and one POST view per workflow step."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView, TemplateView

from customers.models import ActivityEntry, Customer, advised_only
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_required
from lumytic.core.lists import LenientPagesMixin, SortableListMixin, search_text

from .documents import Product, Quotation
from .forms import LineRateForm
from .models import plain
from .pdf import render_quotation_pdf
from .product_views import search_products
from .quotation_forms import DeclineForm, QuotationForm, QuotationLineFormSet
from .responses import pdf_response
from .services.currency import ExchangeError, NoRateError, active_currencies, base_currency
from .services.quotations import (
    QuotationError,
    create_quotation,
    decline_quotation,
    default_valid_until,
    duplicate_quotation,
    price_product,
    send_quotation,
    update_quotation,
)
from .services.rates import enter_manual_rate
from .totals import compute_totals, quantize

QUOTATION_SORTS = {
    "created": ("created_at", "pk"),
    "number": ("number",),
    "customer": ("customer__name", "pk"),
    "valid_until": ("valid_until", "pk"),
    "total": ("total", "pk"),
    "status": ("status", "pk"),
}
PICKER_RESULTS = 8


def timeline(quotation: Quotation) -> list[ActivityEntry]:
    return list(
        ActivityEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Quotation), target_id=str(quotation.pk)
        ).select_related("actor")[:50]
    )


# --- List ----------------------------------------------------------------------------------------


class QuotationListView(StaffRequiredMixin, LenientPagesMixin, SortableListMixin, ListView):
    permission_required = roles.VIEW_QUOTATION
    template_name = "sales/quotation_list.html"
    paginate_by = 25
    sorts = QUOTATION_SORTS
    default_sort = "-created"

    def get_queryset(self):
        queryset = Quotation.objects.filter(advised_only(self.request.user)).select_related(
            "customer"
        )
        self.q = search_text(self.request)
        for word in self.q.split()[:5]:
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(customer__name__icontains=word)
                | Q(customer__number__icontains=word)
            )
        self.status = self.request.GET.get("status", "")
        if self.status in Quotation.Status.values:
            queryset = queryset.filter(status=self.status)
        else:
            self.status = ""
        return self.sorted(queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="quotation-list",
            q=self.q,
            status=self.status,
            statuses=Quotation.Status.choices,
            **self.sort_context(),
            sort_columns=[
                ("number", _("Number")),
                ("customer", _("Customer")),
                ("created", _("Created")),
                ("valid_until", _("Valid until")),
                ("total", _("Total")),
                ("status", _("Status")),
            ],
            filtering=bool(self.q or self.status),
            **kwargs,
        )


# --- Editor --------------------------------------------------------------------------------------


class QuotationEditorView(StaffRequiredMixin, TemplateView):
    """Create a draft for a customer (`?customer=`), or edit a draft, with its lines."""

    permission_required = (roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)

    template_name = "sales/quotation_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quotation = None
        self.customer = None

    def load(self) -> None:
        pk = self.kwargs.get("pk")
        if pk:
            self.quotation = get_object_or_404(
                Quotation.objects.select_related("customer", "contact"), pk=pk
            )
            self.customer = self.quotation.customer
            return
        customer_id = self.request.POST.get("customer") or self.request.GET.get("customer")
        if customer_id and str(customer_id).isdigit():
            self.customer = Customer.objects.filter(pk=customer_id, is_active=True).first()
            if self.customer is None:
                raise Http404(_("No active customer with that id."))

    def get(self, request, *args, **kwargs):
        self.load()
        if self.customer is None:
            return self.customer_picker()
        if self.quotation and self.quotation.status != Quotation.Status.DRAFT:
            messages.error(request, _("Only a draft can be edited."))
            return redirect(self.quotation)
        if self.quotation:
            lines = self.quotation.lines.select_related("product")
            initial = [
                {
                    "product": line.product_id,
                    "product_label": str(line.product) if line.product else "",
                    "description": line.description,
                    "quantity": plain(line.quantity),
                    "unit_price": quantize(line.unit_price, self.quotation.currency),
                    "discount_percent": plain(line.discount_percent),
                    "tax_rate": plain(line.tax_rate),
                }
                for line in lines
            ]
            header = {
                "contact": self.quotation.contact_id,
                "currency": self.quotation.currency,
                "valid_until": self.quotation.valid_until,
                "terms": self.quotation.terms,
            }
        else:
            initial = [{"quantity": 1, "tax_rate": self.customer.tax_rate}]
            header = {
                "currency": self.customer.default_currency,
                "valid_until": default_valid_until(),
            }
        form = QuotationForm(initial=header, customer=self.customer)
        formset = QuotationLineFormSet(initial=initial, prefix="lines")
        return self.render(form, formset)

    def post(self, request, *args, **kwargs):
        self.load()
        if self.customer is None:
            raise Http404(_("Choose a customer first."))
        form = QuotationForm(request.POST, customer=self.customer)
        formset = QuotationLineFormSet(request.POST, prefix="lines")
        if not (form.is_valid() and formset.is_valid()):
            messages.error(request, _("Please correct the errors below."))
            return self.render(form, formset, status=400)
        data = form.cleaned_data
        try:
            if self.quotation:
                quotation = update_quotation(
                    quotation=self.quotation, by=request.user, lines=formset.lines(), **data
                )
                messages.success(
                    request, _("Quotation %(number)s is saved.") % {"number": quotation}
                )
            else:
                quotation = create_quotation(
                    customer=self.customer, by=request.user, lines=formset.lines(), **data
                )
                messages.success(
                    request, _("Quotation %(number)s is created.") % {"number": quotation}
                )
        except QuotationError as error:
            form.add_error(None, str(error))
            return self.render(form, formset, status=400)
        return redirect(quotation)

    def render(self, form, formset, status: int = 200) -> HttpResponse:
        currency = form["currency"].value() or self.customer.default_currency
        context = self.get_context_data(
            nav="quotation-list",
            quotation=self.quotation,
            customer=self.customer,
            form=form,
            formset=formset,
            preview=preview_totals(formset, currency) if formset.is_bound else self.quotation,
            # A POST without a currency re-renders with the customer's (it used to be a 500).
            preview_currency=currency,
        )
        return self.render_to_response(context, status=status)

    def customer_picker(self) -> HttpResponse:
        q = search_text(self.request)
        customers = Customer.objects.active().select_related("group")
        for word in q.split()[:5]:
            customers = customers.filter(
                Q(name__icontains=word) | Q(number__icontains=word) | Q(email__icontains=word)
            )
        return render(
            self.request,
            "sales/quotation_customer_pick.html",
            {
                "nav": "quotation-list",
                "q": q,
                "customers": list(customers.order_by("name", "pk")[:20]),
            },
        )


def preview_totals(formset, currency: str):
    """Totals of the lines that are valid so far; nothing is saved."""
    if not formset.is_valid():
        lines = [
            form.cleaned_data
            for form in formset.forms
            if form.is_valid() and form.has_changed() and form.cleaned_data
        ]
    else:
        lines = formset.lines()
    try:
        rows = [_Row(**{k: line[k] for k in _Row.FIELDS}) for line in lines]
        return compute_totals(rows, currency)
    except (KeyError, ValueError, ArithmeticError):
        return None


class _Row:
    FIELDS = ("quantity", "unit_price", "discount_percent", "tax_rate")

    def __init__(self, *, quantity, unit_price, discount_percent, tax_rate):
        self.quantity, self.unit_price = quantity, unit_price
        self.discount_percent, self.tax_rate = discount_percent, tax_rate


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def quotation_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live totals (htmx): computed on the server from what is typed so far."""
    formset = QuotationLineFormSet(request.POST, prefix="lines")
    currency = (request.POST.get("currency") or "").upper()[:3]
    totals = preview_totals(formset, currency) if len(currency) == 3 else None
    return render(
        request,
        "sales/_quotation_totals.html",
        {"totals": totals, "currency": currency, "preview": True},
    )


@require_GET
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def product_search(request: HttpRequest) -> HttpResponse:
    """The product picker's results (htmx): active products matching SKU or name."""
    q = search_text(request)
    row = request.GET.get("row", "")
    products = []
    if q:
        products = list(
            search_products(Product.objects.filter(is_active=True), q).order_by("name", "pk")[
                :PICKER_RESULTS
            ]
        )
    return render(
        request,
        "sales/_quotation_product_results.html",
        {"products": products, "q": q, "row": row if row.isdigit() else ""},
    )


@require_GET
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def quotation_line(request: HttpRequest) -> HttpResponse:
    """One editor row (htmx): blank, or filled from a product priced for the customer."""
    return _line_row(request, request.GET)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION, roles.CHANGE_RATES)
def quotation_line_rate(request: HttpRequest) -> HttpResponse:
    """Enter today's manual rate of the currency a line was missing, then price the line (htmx):
    quoting never stops at a missing rate for staff who may set one."""
    form = LineRateForm(request.POST, currencies=active_currencies())
    if not form.is_valid():
        errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
        return _line_row(request, request.POST, rate_error=errors)
    data = form.cleaned_data
    try:
        enter_manual_rate(
            currency=data["currency"], on=timezone.localdate(), rate=data["rate"], by=request.user
        )
    except ExchangeError as error:
        return _line_row(request, request.POST, rate_error=str(error))
    return _line_row(request, request.POST)


def _line_row(request: HttpRequest, params, rate_error: str = "") -> HttpResponse:
    index = params.get("index", "")
    if not index.isdigit() or int(index) >= 200:
        return HttpResponse(_("That row cannot be added."), status=400)
    customer = None
    customer_id = params.get("customer", "")
    if customer_id.isdigit():
        customer = Customer.objects.filter(pk=customer_id).first()
    initial = {"quantity": 1, "tax_rate": customer.tax_rate if customer else 0}
    error, missing_rate = "", None
    status = 200
    product_id = params.get("product", "")
    product = None
    if product_id:
        product = (
            Product.objects.filter(pk=product_id, is_active=True).first()
            if product_id.isdigit()
            else None
        )
        currency = params.get("currency", "").upper()[:3]
        if product is None or customer is None or len(currency) != 3:
            error, status = _("That product cannot be added; search again."), 400
        else:
            try:
                line = price_product(product=product, customer=customer, currency=currency)
            except QuotationError as problem:
                error, status = str(problem), 400
                missing_rate = _missing_rate(problem)
            else:
                quantity = params.get("quantity", "")
                initial = {
                    "product": product.pk,
                    "product_label": str(product),
                    "description": line["description"],
                    "quantity": quantity if _positive(quantity) else 1,
                    "unit_price": line["unit_price"],
                    "discount_percent": plain(line["discount_percent"]),
                    "tax_rate": plain(line["tax_rate"]),
                }
    formset = QuotationLineFormSet(prefix="lines")
    form = formset._construct_form(int(index), initial=initial)
    return render(
        request,
        "sales/_quotation_line_row.html",
        {
            "line": form,
            "row_error": error,
            "label": initial.get("product_label", ""),
            "missing_rate": missing_rate,
            "may_enter_rate": request.user.has_perm(roles.CHANGE_RATES),
            "rate_error": rate_error,
            "rate_value": params.get("rate", "") if rate_error else "",
            "product": product,
            "base_currency": base_currency(),
        },
        status=400 if rate_error else status,
    )


def _missing_rate(error: BaseException) -> str | None:
    """The currency whose rate was missing when a line could not be priced, if that was why."""
    cause = error
    while cause is not None:
        if isinstance(cause, NoRateError):
            return cause.currency
        cause = cause.__cause__
    return None


def _positive(value: str) -> bool:
    try:
        return float(value) > 0
    except ValueError:
        return False


# --- Detail and workflow steps -------------------------------------------------------------------


class QuotationDetailView(StaffRequiredMixin, TemplateView):
    permission_required = roles.VIEW_QUOTATION
    template_name = "sales/quotation_detail.html"

    def get_context_data(self, **kwargs):
        quotation = get_object_or_404(
            Quotation.objects.filter(advised_only(self.request.user)).select_related(
                "customer", "contact", "created_by", "order", "customer__advisor"
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(
            nav="quotation-list",
            quotation=quotation,
            lines=list(quotation.lines.select_related("product")),
            order=getattr(quotation, "order", None),
            timeline=timeline(quotation),
            decline_form=kwargs.pop("decline_form", None) or DeclineForm(),
            **kwargs,
        )


def _quotation(pk: int) -> Quotation:
    return get_object_or_404(Quotation.objects.select_related("customer"), pk=pk)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.ISSUE_DOCUMENTS)
def quotation_send(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = _quotation(pk)
    try:
        send_quotation(quotation=quotation, by=request.user)
    except QuotationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Quotation %(number)s is sent.") % {"number": quotation})
    return redirect(quotation)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def quotation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the customer's refusal; the reason is required."""
    quotation = _quotation(pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        view = QuotationDetailView()
        view.setup(request, pk=pk)
        context = view.get_context_data(decline_form=form, show_decline=True)
        return render(request, QuotationDetailView.template_name, context, status=400)
    try:
        decline_quotation(quotation=quotation, by=request.user, reason=form.cleaned_data["reason"])
    except QuotationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Quotation %(number)s is declined.") % {"number": quotation})
    return redirect(quotation)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def quotation_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft from this quotation's lines."""
    quotation = _quotation(pk)
    try:
        copy = duplicate_quotation(quotation=quotation, by=request.user)
    except QuotationError as error:
        messages.error(request, str(error))
        return redirect(quotation)
    messages.success(
        request,
        _("Quotation %(copy)s is a new draft copied from %(number)s.")
        % {"copy": copy, "number": quotation},
    )
    return redirect(copy)


@require_GET
@staff_required(roles.VIEW_QUOTATION)
def quotation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = _quotation(pk)
    return pdf_response(render_quotation_pdf(quotation), f"{quotation.number}.pdf")


# --- The customer page's Quotations tab ----------------------------------------------------------


class CustomerQuotationsTab(CustomerTabView):
    """The customer's quotations, newest first, with a button to start one."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_QUOTATION)

    tab = "quotations"
    tab_template = "sales/_quotation_customer_tab.html"

    def get_tab_context(self, customer) -> dict:
        return self.paginate(
            Quotation.objects.filter(customer=customer).order_by("-created_at", "-pk")
        )
