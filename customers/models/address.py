"""The billing and shipping address, declared once for the customer, the order and the
registration request, and formatted once."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

# The parts of an address, in the order every form and page shows them.
ADDRESS_PARTS = (
    "first_name",
    "last_name",
    "commercial_name",
    "foundation_name",
    "email",
    "country",
    "state",
    "city",
    "street",
    "postal_code",
)


class Addresses(models.Model):
    """Billing and shipping details as `billing_<part>` and `shipping_<part>` fields.

    A model may redeclare a part (the registration request requires some billing parts).
    """

    billing_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    billing_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    billing_commercial_name = models.CharField(_("commercial name"), max_length=200, blank=True)
    billing_foundation_name = models.CharField(_("foundation name"), max_length=200, blank=True)
    billing_email = models.EmailField(_("email"), blank=True)
    billing_country = CountryField(_("country"), blank=True)
    billing_state = models.CharField(_("state / region"), max_length=100, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_street = models.CharField(_("street"), max_length=200, blank=True)
    billing_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    shipping_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    shipping_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    shipping_commercial_name = models.CharField(_("commercial name"), max_length=200, blank=True)
    shipping_foundation_name = models.CharField(_("foundation name"), max_length=200, blank=True)
    shipping_email = models.EmailField(_("email"), blank=True)
    shipping_country = CountryField(_("country"), blank=True)
    shipping_state = models.CharField(_("state / region"), max_length=100, blank=True)
    shipping_city = models.CharField(_("city"), max_length=100, blank=True)
    shipping_street = models.CharField(_("street"), max_length=200, blank=True)
    shipping_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)

    ADDRESS_PARTS = ADDRESS_PARTS

    class Meta:
        abstract = True

    def address_values(self, kind: str) -> dict[str, str]:
        """The billing or shipping parts as stored, by part name."""
        return {part: str(getattr(self, f"{kind}_{part}") or "") for part in ADDRESS_PARTS}

    def address_dict(self, kind: str) -> dict[str, str]:
        """As `address_values`, but shipping follows billing when the model says they are the
        same (`shipping_same_as_billing`)."""
        if kind == "shipping" and getattr(self, "shipping_same_as_billing", False):
            kind = "billing"
        return self.address_values(kind)

    def copy_billing_to_shipping(self) -> None:
        for part in ADDRESS_PARTS:
            setattr(self, f"shipping_{part}", getattr(self, f"billing_{part}"))


def address_lines(values: dict[str, str]) -> list[str]:
    """An address as printable lines: name, company, street, place, region, country, email."""
    name = " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)
    place = " ".join(v for v in (values.get("postal_code"), values.get("city")) if v)
    code = values.get("country") or ""
    lines = [
        name,
        values.get("commercial_name", ""),
        values.get("foundation_name", ""),
        values.get("street", ""),
        place,
        values.get("state", ""),
        countries.name(code) if code else "",
        values.get("email", ""),
    ]
    return [str(line) for line in lines if line]


def address_text(values: dict[str, str]) -> str:
    """An address on one line, for emails and the timeline."""
    return ", ".join(address_lines(values))
