"""Portal order forms. Each lists its fields: customer, owner, status or totals can't be posted."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lumytic.core.validation import CheckedForm
from sales.models import OrderLine, Product, plain
from sales.order_forms import OrderChangeMixin, quantity_field


class AddLineForm(CheckedForm):
    """Put a catalogue product on the order."""

    product = forms.ModelChoiceField(
        queryset=Product.objects.filter(is_active=True),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This product is not available any more.")},
    )
    quantity = quantity_field(initial=1)


class CartForm(OrderChangeMixin, CheckedForm):
    """The order's quantities (one field per line), its reference and notes."""

    customer_reference = forms.CharField(label=_("Your reference"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("Notes for our sales team"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, lines: list[OrderLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[self.field_name(line)] = quantity_field(
                label=_("Quantity of %(product)s") % {"product": line.description},
                initial=plain(line.quantity),
            )

    @staticmethod
    def field_name(line: OrderLine) -> str:
        return f"quantity-{line.pk}"

    def kept_lines(self) -> list[tuple[OrderLine, Decimal]]:
        return [(line, self.cleaned_data[self.field_name(line)]) for line in self.lines]

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: quantity for line, quantity in self.kept_lines()}

    def line_fields(self):
        return [(line, self[self.field_name(line)]) for line in self.lines]


class CancelForm(CheckedForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
