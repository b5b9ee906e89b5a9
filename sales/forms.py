"""Forms for the exchange page and the customer FX-rates tab; each lists its fields explicitly."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumytic.core.validation import CheckedForm

from .models import RATE_DECIMAL_PLACES, RATE_MAX_DIGITS, Currency

MAX_HISTORY_DAYS = 366 * 10
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def rate_form_field(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Rate"),
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        min_value=Decimal(1).scaleb(-RATE_DECIMAL_PLACES),
        error_messages={"min_value": _("A rate must be more than zero.")},
        **kwargs,
    )


class CurrencyField(forms.ChoiceField):
    """A currency picked by code from a list loaded once per page; cleans to a Currency."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_code: dict[str, Currency] = {}

    def set_currencies(self, currencies: list[Currency]) -> None:
        self.by_code = {currency.code: currency for currency in currencies}
        self.choices = [("", "—")] + [(c.code, f"{c.code} · {c.name}") for c in currencies]

    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()

    def clean(self, value):
        code = super().clean(value)
        return self.by_code.get(code) if code else None


class _CurrenciesForm(CheckedForm):
    """A form whose currency fields offer the given currencies (no query of its own)."""

    def __init__(self, *args, currencies: list[Currency], **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, CurrencyField):
                field.set_currencies(currencies)


class ConverterForm(_CurrenciesForm):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=20,
        decimal_places=6,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    from_currency = CurrencyField(label=_("From"))
    to_currency = CurrencyField(label=_("To"))
    on = forms.DateField(label=_("On"), required=False, widget=DATE_INPUT)

    def clean_on(self):
        on = self.cleaned_data.get("on") or timezone.localdate()
        if on > timezone.localdate():
            raise forms.ValidationError(_("Rates are known for today and earlier days only."))
        return on


class HistoryForm(_CurrenciesForm):
    currency = CurrencyField(label=_("Currency"))
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("Until"), widget=DATE_INPUT)

    @staticmethod
    def default_range() -> tuple:
        today = timezone.localdate()
        return today - timedelta(days=30), today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end date cannot be before the start date."))
            elif (end - start).days > MAX_HISTORY_DAYS:
                self.add_error("start", _("Choose a range of ten years or less."))
        return cleaned


class ManualRateForm(_CurrenciesForm):
    currency = CurrencyField(label=_("Currency"))
    on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    rate = rate_form_field(
        help_text=_("Units of this currency per 1 unit of the base currency."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class LineRateForm(_CurrenciesForm):
    """Today's manual rate of one currency, entered from a quotation line that needed it."""

    rate_currency = CurrencyField(label=_("Currency"))
    rate = rate_form_field(widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))

    def clean(self):
        cleaned = super().clean()
        if "rate_currency" in cleaned:
            cleaned["currency"] = cleaned["rate_currency"]
        return cleaned


class CustomerRateForm(_CurrenciesForm):
    currency = CurrencyField(label=_("Currency"))
    rate = rate_form_field(
        help_text=_("Units of this currency per 1 unit of the base currency."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty for no end date."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("“Valid until” cannot be before “valid from”."))
        return cleaned
