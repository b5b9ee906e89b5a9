"""Demo products and quotations (one at every status) for the demo customers, via the services."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from lumytic.core.workflow import StepRefused

from .models import Product, Quotation
from .services.catalogue import create_product
from .services.quotations import (
    accept_quotation,
    create_quotation,
    decline_quotation,
    expire_quotations,
    price_product,
    send_quotation,
)

PRODUCTS = [
    # sku, name, unit, price, currency, tax %
    ("LUM-DSK-08", "LED desk lamp 8 W", "pcs", "39.90", "USD", "5"),
    ("LUM-FLR-30", "Floor lamp, brushed steel", "pcs", "129.00", "EUR", "5"),
    ("LUM-CBL-2M", "Power cable 2 m", "pcs", "4.50", "USD", "5"),
    ("LUM-PND-45", "Pendant light 45 cm", "pcs", "84.00", "EUR", "5"),
    ("LUM-DIM-01", "Smart dimmer", "pcs", "21.75", "GBP", "5"),
    ("LUM-SRV-HR", "Lighting design, per hour", "h", "180.00", "AED", "5"),
]

# (customer, status, [(sku, quantity)], terms)
QUOTATIONS = [
    ("Acme Trading FZE", "draft", [("LUM-DSK-08", 40), ("LUM-CBL-2M", 40)], ""),
    ("Acme Trading FZE", "sent", [("LUM-PND-45", 60), ("LUM-DIM-01", 60)], "Delivery in 3 weeks."),
    ("Acme Trading FZE", "accepted", [("LUM-FLR-30", 12)], "50% upfront, 50% on delivery."),
    ("Nile Valley Supplies", "sent", [("LUM-DSK-08", 200), ("LUM-SRV-HR", 16)], "Net 30."),
    ("Nile Valley Supplies", "declined", [("LUM-PND-45", 30)], ""),
    ("Nile Valley Supplies", "expired", [("LUM-CBL-2M", 500)], ""),
    (
        "Baltic Retail OÜ",
        "sent",
        [("LUM-FLR-30", 6), ("LUM-DSK-08", 24)],
        "Prices include packing.",
    ),
]


def _lines(customer: Customer, currency: str, items, products: dict[str, Product]) -> list:
    lines = []
    for sku, quantity in items:
        try:
            line = price_product(product=products[sku], customer=customer, currency=currency)
        except StepRefused:
            continue  # no rate for that currency yet: leave the product out
        lines.append({**line, "quantity": Decimal(quantity)})
    return lines


@transaction.atomic
def load_demo_quotations() -> int:
    """Create the demo products and quotations once (idempotent); return quotations added."""
    users = get_user_model().objects
    staff = users.staff().order_by("pk").first()
    products = {}
    for sku, name, unit, price, currency, tax in PRODUCTS:
        products[sku] = Product.objects.filter(sku=sku).first() or create_product(
            by=staff,
            sku=sku,
            name=name,
            unit=unit,
            unit_price=Decimal(price),
            currency=currency,
            tax_rate=Decimal(tax),
        )
    customers = {c.name: c for c in Customer.objects.filter(name__in={q[0] for q in QUOTATIONS})}
    if Quotation.objects.filter(customer__in=customers.values()).exists():
        return 0

    today = timezone.localdate()
    added = 0
    for name, status, items, terms in QUOTATIONS:
        customer = customers.get(name)
        if customer is None or not customer.is_active:
            continue
        lines = _lines(customer, customer.default_currency, items, products)
        if not lines:
            continue
        quotation = create_quotation(
            customer=customer,
            by=staff,
            lines=lines,
            terms=terms,
            valid_until=today + timedelta(days=30),
        )
        added += 1
        if status == "draft":
            continue
        send_quotation(quotation=quotation, by=staff)
        if status == "accepted":
            contact = customer.contacts.filter(user__isnull=False).select_related("user").first()
            if contact is not None:
                accept_quotation(quotation=quotation, by=contact.user)
        elif status == "declined":
            decline_quotation(
                quotation=quotation, by=staff, reason="The customer chose a local supplier."
            )
        elif status == "expired":
            # Demo history: pretend its 30 days ran out, then let the daily run expire it.
            Quotation.objects.filter(pk=quotation.pk).update(valid_until=today - timedelta(days=1))
            expire_quotations(today=today)
    return added
