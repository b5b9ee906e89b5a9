"""The back-office quotation editor: a draft's header and lines, and the htmx pieces it uses
(live totals, the product picker, one line row, entering a missing rate from a line)."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from customers.models import Customer
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_required
from lumytic.core.lists import search_text
from lumytic.core.workflow import StepRefused

from .catalogue import search_products
from .forms import LineRateForm
from .models import Product, Quotation, plain
from .quotation_forms import QuotationForm, QuotationLineFormSet
from .services.currency import ExchangeError, NoRateError, active_currencies, base_currency
from .services.quotations import (
    create_quotation,
    default_valid_until,
    price_product,
    update_quotation,
)
from .services.rates import enter_manual_rate
from .totals import compute_totals, quantize

PICKER_RESULTS = 8


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
        except StepRefused as error:
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
            except StepRefused as problem:
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
