"""Back-office order forms: the list's filters, the new-order line editor, owner and cancel.

Each form lists its fields; nothing else posted reaches an order.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from lumytic.core.validation import MAX_QUANTITY, CheckedForm, sensible_dates

from .models import MEMO_MAX_CHARS, REASON_MAX_CHARS, Order, OrderLine, Product
from .services.currency import active_currencies
from .services.orders import line_values

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_LINES = 200


def staff_users() -> QuerySet:
    return get_user_model().objects.staff().order_by("first_name", "last_name", "email")


def quantity_field(**kwargs) -> forms.DecimalField:
    """A line quantity: above zero, at most MAX_QUANTITY, three decimals, as stored on a line."""
    kwargs.setdefault("label", _("Quantity"))
    return forms.DecimalField(
        min_value=Decimal("0.001"),
        max_value=MAX_QUANTITY,
        max_digits=12,
        decimal_places=3,
        error_messages={
            "min_value": _("Enter a quantity above zero."),
            "max_value": _("Enter a quantity of at most %(limit_value)s."),
        },
        **kwargs,
    )


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class OrderFilter(django_filters.FilterSet):
    """The order list's search and filters; an invalid value is reported next to its field."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=Order.Status.choices, empty_label=_("Any status"), label=_("Status")
    )
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), widget=forms.HiddenInput, label=_("Customer")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=staff_users(),
        null_label=_("Unassigned"),
        empty_label=_("Anyone"),
        label=_("Owner"),
    )
    currency = django_filters.ChoiceFilter(
        choices=[],  # the active currencies, set per request
        empty_label=_("Any currency"),
        label=_("Currency"),
        method="filter_currency",
    )
    date_from = django_filters.DateFilter(
        method="filter_from", label=_("From"), widget=DATE_INPUT, validators=sensible_dates()
    )
    date_to = django_filters.DateFilter(
        method="filter_to", label=_("To"), widget=DATE_INPUT, validators=sensible_dates()
    )

    class Meta:
        model = Order
        form = CheckedForm
        fields = ["q", "status", "customer", "owner", "currency", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["currency"].extra["choices"] = [(c.code, c.code) for c in active_currencies()]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(customer_reference__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(customer__number__icontains=value)
        )

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value)

    # The order's date is when it was placed (created, for a draft cart).
    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))

    def active(self) -> bool:
        return any(self.data.get(name) for name in self.Meta.fields)


class NewOrderForm(CheckedForm):
    """The header of a new order; its lines come from `LineEditor`."""

    currency = forms.ChoiceField(label=_("Currency"))
    customer_reference = forms.CharField(
        label=_("Customer reference"), max_length=100, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [c.code for c in active_currencies()]
        if customer.default_currency not in codes:
            codes.insert(0, customer.default_currency)
        self.fields["currency"].choices = [(code, code) for code in codes]
        self.fields["currency"].initial = customer.default_currency


@dataclass
class LineRow:
    """One row of the line editor as posted, with its product and any error."""

    product_id: str
    quantity_text: str
    product: Product | None = None
    quantity: Decimal | None = None
    error: str = ""
    line: dict | None = None  # the priced line, once valid


class LineEditor:
    """The new-order line editor: parallel `line-product` / `line-quantity` lists.

    Products are loaded in one query; each row gets its own error message.
    """

    def __init__(self, data=None):
        self.rows: list[LineRow] = []
        if data is None:
            return
        ids = data.getlist("line-product")[:MAX_LINES]
        quantities = data.getlist("line-quantity")[: len(ids)]
        quantities += [""] * (len(ids) - len(quantities))
        self.rows = [
            LineRow(pid.strip(), qty.strip()) for pid, qty in zip(ids, quantities, strict=True)
        ]

    def add(self, product_id: str) -> None:
        for row in self.rows:
            if row.product_id == product_id:
                return  # already on the order: change its quantity instead
        self.rows.append(LineRow(product_id, "1"))

    def remove(self, index: str) -> None:
        if index.isdigit() and int(index) < len(self.rows):
            del self.rows[int(index)]

    def validate(self) -> bool:
        wanted = [int(row.product_id) for row in self.rows if row.product_id.isdigit()]
        products = Product.objects.filter(is_active=True).in_bulk(wanted)
        field = quantity_field()
        for row in self.rows:
            row.error = ""
            row.product = products.get(int(row.product_id)) if row.product_id.isdigit() else None
            if row.product is None:
                row.error = str(_("This product is not available any more; remove the line."))
                continue
            try:
                row.quantity = field.clean(row.quantity_text)
            except ValidationError as error:
                row.error = " ".join(error.messages)
        return bool(self.rows) and not any(row.error for row in self.rows)

    @property
    def errors(self) -> bool:
        return any(row.error for row in self.rows)


class OrderChangeMixin:
    """A form changing an order's line quantities, reference and notes (staff's edit of a
    submitted order, the portal's cart)."""

    def kept_lines(self) -> list[tuple[OrderLine, Decimal]]:
        """(line, new quantity) of every line the order keeps."""
        raise NotImplementedError

    def header(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in ("customer_reference", "notes")}

    def changes(self) -> dict:
        """What `update_order` takes: the kept lines at the prices they were added at with their
        new quantities, the reference and the notes."""
        kept = self.kept_lines()
        values = line_values(line for line, _quantity in kept)
        lines = [
            {**line, "quantity": quantity}
            for line, (_line, quantity) in zip(values, kept, strict=True)
        ]
        return {"lines": lines, **self.header()}


class OrderEditForm(OrderChangeMixin, CheckedForm):
    """Staff change a submitted order for the customer: each line's quantity (or its removal),
    the customer's reference and the notes. Prices stay those the lines were added at."""

    customer_reference = forms.CharField(
        label=_("Customer reference"), max_length=100, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, order: Order, lines: list, **kwargs):
        kwargs.setdefault(
            "initial", {"customer_reference": order.customer_reference, "notes": order.notes}
        )
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"quantity-{line.pk}"] = quantity_field(
                label=_("Quantity of %(product)s") % {"product": line.description},
                initial=line.quantity.normalize(),
            )
            self.fields[f"remove-{line.pk}"] = forms.BooleanField(
                label=_("Remove %(product)s") % {"product": line.description}, required=False
            )

    def clean(self):
        cleaned = super().clean()
        if self.lines and all(cleaned.get(f"remove-{line.pk}") for line in self.lines):
            raise ValidationError(_("An order needs at least one line; cancel it instead."))
        return cleaned

    def rows(self):
        return [
            (line, self[f"quantity-{line.pk}"], self[f"remove-{line.pk}"]) for line in self.lines
        ]

    def kept_lines(self) -> list[tuple[OrderLine, Decimal]]:
        return [
            (line, self.cleaned_data[f"quantity-{line.pk}"])
            for line in self.lines
            if not self.cleaned_data.get(f"remove-{line.pk}")
        ]


class OwnerForm(CheckedForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=staff_users(), required=False, empty_label=_("Unassigned")
    )


class StaffCancelForm(CheckedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason for cancelling.")},
    )


class ReasonForm(CheckedForm):
    """A required reason (cancellation requests, refusals and rejections); `missing` says what
    is asked."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give a reason."),
            "max_length": _("Keep the reason under %(limit_value)s characters."),
        },
    )

    def __init__(self, *args, missing: str = "", label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if missing:
            self.fields["reason"].error_messages["required"] = missing
        if label:
            self.fields["reason"].label = label


class CustomerSearchForm(CheckedForm):
    q = forms.CharField(label=_("Customer"), max_length=100, required=False)

    def results(self) -> list[Customer]:
        if not self.is_valid() or not self.cleaned_data["q"].strip():
            return []
        value = self.cleaned_data["q"].strip()
        return list(
            Customer.objects.active()
            .filter(Q(name__icontains=value) | Q(number__icontains=value))
            .order_by("name", "pk")[:15]
        )


class MemoForm(CheckedForm):
    """The text of a payment memo."""

    text = forms.CharField(
        label=_("Memo text"),
        max_length=MEMO_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write the memo text."),
            "max_length": _("Keep the memo under %(limit_value)s characters."),
        },
    )


def first_error(form: forms.Form, name: str) -> str:
    """The first message of a field, for a page that shows one message next to its box."""
    return form.errors[name][0] if name in form.errors else ""
