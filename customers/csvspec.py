"""The customer CSV format, shared by export and import so an export can be imported again."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    header: str
    label: str
    required: bool = False


# Order matters: it is the order of the sample file and of every export.
COLUMNS: tuple[Column, ...] = (
    Column("number", _("Number")),
    Column("name", _("Company name"), required=True),
    Column("type", _("Type (company or individual)")),
    Column("group", _("Group")),
    Column("email", _("Email")),
    Column("phone", _("Phone")),
    Column("fax", _("Fax")),
    Column("website", _("Website")),
    Column("country", _("Country (ISO code)")),
    Column("state", _("State / region")),
    Column("address", _("Physical address")),
    Column("advisor_email", _("Customer advisor's email")),
    Column("default_currency", _("Default currency")),
    Column("discount_type", _("Discount type")),
    Column("discount_value", _("Discount")),
    Column("tax_type", _("Tax type")),
    Column("tax_rate", _("Tax rate %")),
    Column("tax_id", _("Tax ID")),
    Column("national_id", _("ID / SSN")),
    Column("cr_number", _("CR number")),
    Column("late_payment_exempt", _("Exempt from late-payment hold (yes/no)")),
    Column("billing_first_name", _("Billing first name")),
    Column("billing_last_name", _("Billing last name")),
    Column("billing_commercial_name", _("Billing commercial name")),
    Column("billing_foundation_name", _("Billing foundation name")),
    Column("billing_email", _("Billing email")),
    Column("billing_country", _("Billing country")),
    Column("billing_state", _("Billing state")),
    Column("billing_city", _("Billing city")),
    Column("billing_street", _("Billing street")),
    Column("billing_postal_code", _("Billing postal code")),
    Column("shipping_same_as_billing", _("Shipping same as billing (yes/no)")),
    Column("shipping_first_name", _("Shipping first name")),
    Column("shipping_last_name", _("Shipping last name")),
    Column("shipping_commercial_name", _("Shipping commercial name")),
    Column("shipping_foundation_name", _("Shipping foundation name")),
    Column("shipping_email", _("Shipping email")),
    Column("shipping_country", _("Shipping country")),
    Column("shipping_state", _("Shipping state")),
    Column("shipping_city", _("Shipping city")),
    Column("shipping_street", _("Shipping street")),
    Column("shipping_postal_code", _("Shipping postal code")),
    Column("tags", _("Tags (separated by |)")),
    Column("active", _("Active (yes/no)")),
    Column("contact_first_name", _("Primary contact first name")),
    Column("contact_last_name", _("Primary contact last name")),
    Column("contact_email", _("Primary contact email")),
    Column("contact_phone", _("Primary contact phone")),
    Column("contact_position", _("Primary contact position")),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Make a cell safe for spreadsheets: a leading = + - @ would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
