"""Read-only parts of an order's page shared by the office and the portal: the order's activity
timeline and its billing and shipping addresses as printable lines."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django_countries import countries

from customers.models import ActivityEntry, Customer

from .models import Order


def order_timeline(order: Order, limit: int = 100) -> list[ActivityEntry]:
    """The order's activity entries, newest first (one query)."""
    return list(
        ActivityEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Order), target_id=str(order.pk)
        ).select_related("actor")[:limit]
    )


def order_addresses(order: Order) -> list[tuple[str, list[str]]]:
    """The billing and shipping details as printable lines (empty before confirmation)."""
    result = []
    for kind, title in (("billing", _("Billing")), ("shipping", _("Shipping"))):
        values = {part: getattr(order, f"{kind}_{part}") for part in Customer.ADDRESS_PARTS}
        if not any(values.values()):
            continue
        name = " ".join(v for v in (values["first_name"], values["last_name"]) if v)
        place = " ".join(v for v in (values["postal_code"], values["city"]) if v)
        country = countries.name(values["country"]) if values["country"] else ""
        lines = [
            name,
            values["commercial_name"],
            values["foundation_name"],
            values["street"],
            place,
            values["state"],
            country,
            values["email"],
        ]
        result.append((title, [line for line in lines if line]))
    return result
