"""The billing and shipping details that confirm an order, shared by the office (staff confirm
for the customer) and the portal (the customer confirms, or accepts a quotation)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from lumytic.core.validation import CheckedForm


class AddressForm(CheckedForm):
    """Billing or shipping details for the order (prefixed `billing` / `shipping`)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    commercial_name = forms.CharField(label=_("Commercial name"), max_length=200, required=False)
    foundation_name = forms.CharField(label=_("Foundation name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    country = forms.ChoiceField(label=_("Country"))
    state = forms.CharField(label=_("State / region"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    street = forms.CharField(label=_("Street"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]


class ConfirmForm(CheckedForm):
    shipping_same = forms.BooleanField(
        label=_("Shipping details same as billing details"), required=False
    )


class AddressStep:
    """The billing and shipping details that confirm an order, as one step of a page.

    Unbound, the forms are prefilled from the customer's profile; bound, shipping is read only
    when it is not "same as billing". Used by the order confirmation and by accepting a
    quotation, which confirms the order it creates in the same step.
    """

    def __init__(self, customer, data=None):
        if data is None:
            self.confirm = ConfirmForm(initial={"shipping_same": customer.shipping_same_as_billing})
            self.billing = AddressForm(prefix="billing", initial=_initial(customer, "billing"))
            self.shipping = AddressForm(prefix="shipping", initial=_initial(customer, "shipping"))
            self.same = customer.shipping_same_as_billing
            return
        self.confirm = ConfirmForm(data)
        self.billing = AddressForm(data, prefix="billing")
        self.same = self.confirm.is_valid() and self.confirm.cleaned_data["shipping_same"]
        self.shipping = AddressForm(None if self.same else data, prefix="shipping")

    def is_valid(self) -> bool:
        billing_ok = self.billing.is_valid()
        return billing_ok and (self.same or self.shipping.is_valid())

    @property
    def addresses(self) -> dict:
        """The service's keyword arguments: ``billing`` and ``shipping`` (None: same)."""
        return {
            "billing": self.billing.cleaned_data,
            "shipping": None if self.same else self.shipping.cleaned_data,
        }

    def context(self) -> dict:
        return {"billing": self.billing, "shipping": self.shipping, "confirm": self.confirm}


def _initial(customer, kind: str) -> dict:
    values = customer.address_dict(kind)
    values["country"] = getattr(values["country"], "code", values["country"]) or ""
    if not values["email"] and kind == "billing":
        values["email"] = customer.email
    return values
