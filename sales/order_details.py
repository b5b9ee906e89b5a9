"""Read-only parts of an order's page shared by the office and the portal: the order's activity
timeline and its billing and shipping addresses as printable lines."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from customers.models import ActivityEntry, address_lines

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
        values = order.address_values(kind)
        if any(values.values()):
            result.append((title, address_lines(values)))
    return result
