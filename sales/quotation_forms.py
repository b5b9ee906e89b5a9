"""Forms of the product catalogue and the quotation editor; each lists its fields explicitly."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer
from lumytic.core.validation import MAX_QUANTITY, CheckedForm, CheckedModelForm

from .models import Currency, Product
from .services.orders import LINE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def currency_options(*keep: str) -> list[tuple[str, str]]:
    """The active currencies, the base one and any code already in use (one query)."""
    codes = {settings.BASE_CURRENCY, *(code for code in keep if code)}
    names = {}
    for currency in Currency.objects.filter(is_active=True).only("code", "name"):
        codes.add(currency.code)
        names[currency.code] = currency.name
    return [(code, f"{code} · {names[code]}" if code in names else code) for code in sorted(codes)]


# --- Products ------------------------------------------------------------------------------------


class ProductForm(CheckedModelForm):
    currency = forms.ChoiceField(label=_("Currency"), choices=())

    class Meta:
        model = Product
        fields = ["sku", "name", "description", "unit", "unit_price", "currency", "tax_rate"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.currency if self.instance.pk else ""
        self.fields["currency"].choices = currency_options(current)
        if not self.instance.pk:
            self.fields["currency"].initial = settings.BASE_CURRENCY

    def clean_sku(self) -> str:
        return self.cleaned_data["sku"].strip().upper()


class ProductFilterForm(CheckedForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
    )


# --- Quotations ----------------------------------------------------------------------------------


class QuotationForm(CheckedForm):
    """The quotation's header. The customer is fixed by the page, never posted."""

    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("Primary contact"),
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=(),
        help_text=_("Products chosen afterwards are priced in it; typed prices are not converted."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT)
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Payment and delivery terms printed on the quotation."),
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["contact"].queryset = customer.contacts.all()
        current = self.initial.get("currency") or customer.default_currency
        self.fields["currency"].choices = currency_options(current, customer.default_currency)

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The valid-until date cannot be in the past."))
        return day


def percent_field(label) -> forms.DecimalField:
    """An optional percentage from 0 to 100 with two decimals (blank is 0)."""
    return forms.DecimalField(
        label=label,
        max_digits=5,
        decimal_places=2,
        initial=ZERO,
        required=False,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )


class QuotationLineForm(CheckedForm):
    """One line. The product is an id resolved for all lines at once by the formset."""

    product = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # What the picker shows for the chosen product; display only, never saved.
    product_label = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=MAX_QUANTITY,
        initial=Decimal("1"),
        error_messages={
            "min_value": _("Enter a quantity above zero."),
            "max_value": _("Enter a quantity of at most %(limit_value)s."),
        },
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=15, decimal_places=3, min_value=ZERO
    )
    discount_percent = percent_field(_("Discount %"))
    tax_rate = percent_field(_("Tax %"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.widget.is_hidden:
                continue
            if isinstance(field, forms.DecimalField):
                # A text box with a decimal keypad: number spinners eat the narrow columns.
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.attrs["class"] = "form-control form-control-sm text-end"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                # Hidden fields (the product, its label) have no class of their own.
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def has_changed(self) -> bool:
        """A row counts once it names something; a prefilled quantity or tax alone does not."""
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip()
            for name in ("product", "description", "unit_price")
        )

    def clean(self):
        data = super().clean()
        for name in ("discount_percent", "tax_rate"):
            if data.get(name) is None and name not in self.errors:
                data[name] = ZERO
        return data


class BaseLineFormSet(forms.BaseFormSet):
    """Rows come and go in the browser, so every row is optional and a gap is just skipped."""

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return max(len(self.initial or []), 1)

    def clean(self):
        if any(self.errors):
            return
        ids = {form.cleaned_data.get("product") for form in self.filled_forms()} - {None}
        products = Product.objects.in_bulk(ids) if ids else {}
        for form in self.filled_forms():
            product_id = form.cleaned_data.get("product")
            if product_id is not None and product_id not in products:
                form.add_error(None, _("That product no longer exists; choose another."))
            form.cleaned_data["product"] = products.get(product_id)
        if not self.filled_forms():
            raise forms.ValidationError(_("Add at least one line."))

    def filled_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.cleaned_data
        ]

    def lines(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in LINE_FIELDS} for form in self.filled_forms()
        ]


QuotationLineFormSet = forms.formset_factory(
    QuotationLineForm,
    formset=BaseLineFormSet,
    extra=0,
    max_num=200,
    validate_max=True,
    absolute_max=200,
)


class DeclineForm(CheckedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the quotation is declined.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the quotation is declined."))
        return reason
