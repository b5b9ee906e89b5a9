"""Builders shared by the quotation tests: two order lines, a draft and a sent quotation, and
the quotation's activity."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from customers.models import ActivityEntry
from sales.models import Quotation
from sales.services.quotations import create_quotation, send_quotation

LAMP = {
    "description": "Desk lamp",
    "quantity": Decimal("2"),
    "unit_price": Decimal("40.00"),
    "discount_percent": Decimal("10"),
    "tax_rate": Decimal("5"),
}
CABLE = {
    "description": "Power cable",
    "quantity": Decimal("3"),
    "unit_price": Decimal("5.50"),
    "discount_percent": Decimal("0"),
    "tax_rate": Decimal("0"),
}


def draft(customer, by, lines=(LAMP, CABLE), **kwargs) -> Quotation:
    return create_quotation(customer=customer, by=by, lines=[dict(x) for x in lines], **kwargs)


def sent(customer, by, **kwargs) -> Quotation:
    quotation = draft(customer, by, **kwargs)
    send_quotation(quotation=quotation, by=by)
    quotation.refresh_from_db()
    return quotation


def verbs(quotation) -> list[str]:
    return list(
        ActivityEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Quotation), target_id=str(quotation.pk)
        )
        .order_by("created_at", "pk")
        .values_list("verb", flat=True)
    )
