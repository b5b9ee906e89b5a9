"""Sales views: the currency-exchange page and the customer page's FX-rates tab."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from customers.csvspec import neutralise
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_required
from lumytic.core.downloads import csv_download

from .forms import ConverterForm, CustomerRateForm, HistoryForm, ManualRateForm
from .models import CustomerRate
from .services import (
    ExchangeError,
    add_customer_rate,
    convert,
    delete_customer_rate,
    enter_manual_rate,
    latest_rates,
    rate_history,
    request_rate_update,
)
from .services.currency import active_currencies, base_currency, stale_after
from .services.rates import last_update

# --- The exchange page ---------------------------------------------------------------------------


class ExchangeView(StaffRequiredMixin, TemplateView):
    """Latest rates, the last update, a converter, a rate's history and manual rate entry."""

    permission_required = roles.VIEW_RATES

    template_name = "sales/exchangerate_list.html"

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.htmx.target == "converter":
            return [f"{self.template_name}#converter"]
        return [self.template_name]

    def history_form(self, currencies) -> HistoryForm:
        """The history form, always bound: the query string over a default month."""
        start, end = HistoryForm.default_range()
        default = next((c.code for c in currencies if c.code != base_currency()), "")
        data = {"currency": default, "start": start.isoformat(), "end": end.isoformat()}
        data.update({k: self.request.GET[k] for k in data if self.request.GET.get(k)})
        if not data["currency"]:
            return HistoryForm(initial=data, currencies=currencies)  # nothing to show yet
        return HistoryForm(data, currencies=currencies)

    def converter(self, currencies) -> tuple[ConverterForm, object]:
        if "amount" not in self.request.GET:
            others = [c.code for c in currencies if c.code != base_currency()]
            initial = {
                "amount": "100",
                "from_currency": others[0] if others else "",
                "to_currency": base_currency(),
                "on": timezone.localdate(),
            }
            return ConverterForm(initial=initial, currencies=currencies), None
        form = ConverterForm(self.request.GET, currencies=currencies)
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        try:
            result = convert(
                amount=data["amount"],
                from_currency=data["from_currency"],
                to_currency=data["to_currency"],
                on=data["on"],
            )
        except ExchangeError as error:
            form.add_error(None, str(error))
            return form, None
        return form, result

    def history_section(self, currencies) -> dict:
        """The history form, the asked currency's rates over its range, and their chart."""
        form = self.history_form(currencies)
        if not form.is_valid():
            return {"history_form": form, "history": [], "chart": None}
        data = form.cleaned_data
        history = rate_history(currency=data["currency"], start=data["start"], end=data["end"])
        chart = {
            "currency": data["currency"].code,
            "base": base_currency(),
            "labels": [point.date.isoformat() for point in history],
            "rates": [str(point.rate) for point in history],
        }
        return {"history_form": form, "history": history, "chart": chart}

    def render_page(self, *, manual_form: ManualRateForm | None = None, status: int = 200):
        currencies = active_currencies()
        today = timezone.localdate()
        converter, conversion = self.converter(currencies)
        history = self.history_section(currencies)
        manual_form = manual_form or ManualRateForm(
            initial={"on": today}, currencies=[c for c in currencies if c.code != base_currency()]
        )
        rates = latest_rates(on=today)
        if converter.errors or manual_form.errors or history["history_form"].errors:
            status = 400
        context = self.get_context_data(
            nav="exchange",
            base=next((c for c in currencies if c.code == base_currency()), None),
            base_code=base_currency(),
            currencies=currencies,
            rates=rates,
            stale_rates=[row for row in rates if row.stale],
            stale_days=stale_after().days,
            last_update=last_update(),
            converter=converter,
            conversion=conversion,
            **history,
            manual_form=manual_form,
            today=today,
        )
        return self.render_to_response(context, status=status)


class ManualRateCreateView(ExchangeView):
    """Staff enter the rate of a currency for a day; it wins over the fetched one."""

    permission_required = (roles.VIEW_RATES, roles.CHANGE_RATES)

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        currencies = [c for c in active_currencies() if c.code != base_currency()]
        form = ManualRateForm(request.POST, currencies=currencies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                enter_manual_rate(
                    currency=data["currency"], on=data["on"], rate=data["rate"], by=request.user
                )
            except ExchangeError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The %(currency)s rate for %(date)s is saved.")
                    % {"currency": data["currency"].code, "date": data["on"].isoformat()},
                )
                return redirect("sales:exchange")
        messages.error(request, _("Please correct the errors below."))
        return self.render_page(manual_form=form, status=400)


class RateExportView(ExchangeView):
    """The history of one currency's rates as CSV."""

    permission_required = roles.VIEW_RATES

    def get(self, request, *args, **kwargs):
        form = self.history_form(active_currencies())
        if not form.is_valid():
            if form.is_bound:
                messages.error(request, _("Please correct the errors below."))
            else:
                messages.error(request, _("Activate a currency to export its history."))
            return self.render_page(status=400)
        data = form.cleaned_data
        code, base = data["currency"].code, base_currency()
        points = rate_history(currency=code, start=data["start"], end=data["end"])
        rate_label = _("Rate (per 1 %(base)s)") % {"base": base}
        header = [_("Date"), _("Currency"), rate_label, _("Source")]
        rows = [header] + [[p.date.isoformat(), code, p.rate, p.source] for p in points]
        return csv_download(
            ([neutralise(cell) for cell in row] for row in rows),
            filename=f"rates-{code}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv",
        )


@require_POST
@staff_required(roles.VIEW_RATES, roles.CHANGE_RATES)
def exchange_update(request: HttpRequest) -> HttpResponse:
    """Start the rates update in the background ("Update now")."""
    try:
        request_rate_update(by=request.user)
    except ExchangeError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _("The update has started. Its result appears here in a moment."))
    return redirect("sales:exchange")


# --- The customer page's FX-rates tab ------------------------------------------------------------


def fx_tab_url(customer_pk: int) -> str:
    return reverse("sales:customer-fx-rates", args=[customer_pk])


class CustomerRatesTab(CustomerTabView):
    """A customer's own FX rates, which beat the daily rate on their documents."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_RATES)
    post_permission_required = roles.CHANGE_RATES

    tab = "fx-rates"
    tab_template = "sales/customerrate_list.html"

    def currencies(self) -> list:
        return [c for c in active_currencies() if c.code != base_currency()]

    def get_tab_context(self, customer) -> dict:
        currencies = getattr(self, "_currencies", None) or self.currencies()
        default = customer.default_currency
        initial = {"valid_from": timezone.localdate()}
        if any(c.code == default for c in currencies):
            initial["currency"] = default
        return {
            "form": CustomerRateForm(initial=initial, currencies=currencies),
            "base_code": base_currency(),
            "today": timezone.localdate(),
            **self.paginate(
                CustomerRate.objects.filter(customer=customer)
                .select_related("currency", "created_by")
                .order_by("currency_id", "-valid_from")
            ),
        }

    def post(self, request, *args, **kwargs):
        self.customer = self.get_customer()
        self._currencies = self.currencies()
        form = CustomerRateForm(request.POST, currencies=self._currencies)
        if form.is_valid():
            try:
                add_customer_rate(customer=self.customer, by=request.user, **form.cleaned_data)
            except ExchangeError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The customer's FX rate is saved."))
                return redirect(fx_tab_url(self.customer.pk))
        return self.invalid(form=form)


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.CHANGE_RATES)
def customer_rate_delete(request: HttpRequest, pk: int, rate_pk: int) -> HttpResponse:
    """Delete one of a customer's FX rates (the button asks for confirmation first)."""
    customer_rate = get_object_or_404(
        CustomerRate.objects.select_related("customer", "currency"), pk=rate_pk, customer_id=pk
    )
    delete_customer_rate(customer_rate=customer_rate, by=request.user)
    messages.success(request, _("The customer's FX rate is deleted."))
    return redirect(fx_tab_url(pk))
