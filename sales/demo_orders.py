"""Demo orders: a small catalogue and orders at every stage built so far, made through the services.

Idempotent: products are found by SKU and each demo order by its customer reference.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from lumytic.core.workflow import StepRefused

from .models import Order, Product
from .services.currency import base_currency
from .services.orders import (
    cancel_order,
    catalogue_line,
    confirm_order,
    create_order,
    update_order,
)

PRODUCTS = [
    # sku, name, description, unit, price, currency, tax %
    ("LUM-LED-40", "LED panel 40 W", "600 × 600 mm, 4000 K", "pcs", "38.50", "USD", "5"),
    ("LUM-LED-60", "LED panel 60 W", "1200 × 300 mm, 4000 K", "pcs", "52.00", "USD", "5"),
    ("LUM-STR-5M", "LED strip 5 m", "24 V, 14.4 W/m, IP65", "roll", "21.75", "USD", "5"),
    ("LUM-DRV-100", "Driver 100 W", "Constant voltage 24 V", "pcs", "18.90", "USD", "5"),
    ("LUM-FLD-150", "Floodlight 150 W", "IP66 die-cast housing", "pcs", "96.00", "USD", "5"),
    ("LUM-SEN-PIR", "Motion sensor", "PIR, ceiling mount, 360°", "pcs", "12.40", "USD", "5"),
    ("LUM-TRK-2M", "Track rail 2 m", "Three-circuit, white", "pcs", "27.30", "USD", "5"),
    ("LUM-INS-DAY", "Installation day", "One technician on site", "day", "320.00", "USD", "0"),
]  # fmt: skip

# customer name, reference, stage, [(sku, quantity)]
ORDERS = [
    ("Acme Trading FZE", "DEMO-ACME-1", "confirmed", [("LUM-LED-40", 120), ("LUM-DRV-100", 40)]),
    ("Acme Trading FZE", "DEMO-ACME-2", "submitted", [("LUM-FLD-150", 12), ("LUM-SEN-PIR", 24)]),
    ("Acme Trading FZE", "DEMO-ACME-3", "draft", [("LUM-STR-5M", 30)]),
    ("Nile Valley Supplies", "DEMO-NILE-1", "updated", [("LUM-LED-60", 50), ("LUM-TRK-2M", 20)]),
    ("Nile Valley Supplies", "DEMO-NILE-2", "cancelled", [("LUM-INS-DAY", 2)]),
    ("Baltic Retail OÜ", "DEMO-BALTIC-1", "confirmed", [("LUM-LED-40", 30), ("LUM-STR-5M", 10)]),
    ("Cedar Line SARL", "DEMO-CEDAR-1", "submitted", [("LUM-TRK-2M", 8), ("LUM-SEN-PIR", 8)]),
]
BILLING_NOTE = "Demo order"


def load_demo_products() -> dict[str, Product]:
    """The demo catalogue, by SKU (created once)."""
    products = {}
    for sku, name, description, unit, price, currency, tax in PRODUCTS:
        products[sku], _created = Product.objects.get_or_create(
            sku=sku,
            defaults={
                "name": name,
                "description": description,
                "unit": unit,
                "unit_price": Decimal(price),
                "currency": currency,
                "tax_rate": Decimal(tax),
            },
        )
    return products


def _billing(customer: Customer, contact) -> dict[str, str]:
    values = {part: str(value or "") for part, value in customer.address_dict("billing").items()}
    values["first_name"] = values["first_name"] or (contact.first_name if contact else "")
    values["last_name"] = values["last_name"] or (contact.last_name if contact else "")
    values["commercial_name"] = values["commercial_name"] or customer.name
    values["email"] = values["email"] or customer.email
    values["country"] = values["country"] or str(customer.country or "")
    values["city"] = values["city"] or "—"
    return values


@transaction.atomic
def load_demo_orders() -> int:
    """Orders at every stage available now (draft, submitted, updated, confirmed, cancelled)
    for the demo customers that exist; returns how many orders were added."""
    products = load_demo_products()
    users = get_user_model().objects
    staff = users.staff().order_by("pk").first()
    today = timezone.localdate()
    added = 0
    for name, reference, stage, wanted in ORDERS:
        customer = Customer.objects.filter(name=name, is_active=True).first()
        if (
            customer is None
            or Order.objects.filter(customer=customer, customer_reference=reference).exists()
        ):
            continue
        contact = customer.contacts.filter(is_primary=True).select_related("user").first()
        buyer = contact.user if contact and contact.user_id else None
        # Without a portal user, the first staff member (the demo admin) acts for the customer:
        # a customer advisor's role can't change orders.
        actor = buyer or staff
        try:
            with transaction.atomic():  # a stage that can't be reached leaves no half order
                _place(customer, reference, stage, wanted, products, buyer, actor, contact, today)
        except StepRefused:
            continue  # e.g. no exchange rate into a non-USD base currency yet
        added += 1
    return added


def _place(customer, reference, stage, wanted, products, buyer, actor, contact, today) -> Order:
    # In the base currency, so confirming needs no exchange rate for the order itself.
    currency = base_currency()
    lines = [
        catalogue_line(
            product=products[sku],
            quantity=Decimal(quantity),
            customer=customer,
            currency=currency,
            on=today,
        )
        for sku, quantity in wanted
    ]
    order = create_order(
        customer=customer,
        by=actor,
        placed_by=buyer,
        lines=lines,
        currency=currency,
        customer_reference=reference,
        notes=BILLING_NOTE,
        submit=stage != "draft",
    )
    if stage == "updated":
        lines[0]["quantity"] += 10
        update_order(order=order, by=actor, lines=lines)
    elif stage == "confirmed":
        confirm_order(order=order, by=actor, billing=_billing(customer, contact))
    elif stage == "cancelled":
        cancel_order(order=order, by=actor, reason="Ordered by mistake (demo).")
    return order


def load_demo_invoices() -> int:
    """Issue and send the proforma invoice of Acme's confirmed demo order, so the demo shows an
    order waiting for its signed PI (other confirmed orders still wait for theirs to be issued);
    returns how many PIs were sent."""
    from .models import ProformaInvoice
    from .services.invoicing import issue_pi, send_pi

    staff = get_user_model().objects.staff().order_by("pk").first()
    order = (
        Order.objects.filter(
            status=Order.Status.CONFIRMED,
            customer__name="Acme Trading FZE",
            customer_reference__startswith="DEMO-",
        )
        .order_by("pk")
        .first()
    )
    if order is None or ProformaInvoice.objects.filter(order=order).exists():
        return 0
    with transaction.atomic():
        send_pi(pi=issue_pi(order=order, by=staff), by=staff)
    return 1


def load_demo_cancellations() -> int:
    """A cancellation request for Baltic Retail's confirmed demo order, waiting for staff to
    decide it; returns how many requests were added."""
    from .models import Cancellation
    from .services.cancellations import request_cancellation

    order = (
        Order.objects.filter(status=Order.Status.CONFIRMED, customer_reference="DEMO-BALTIC-1")
        .select_related("customer__advisor")
        .first()
    )
    if order is None or Cancellation.objects.filter(order=order).exists():
        return 0
    contact = order.customer.contacts.filter(is_primary=True).select_related("user").first()
    staff = get_user_model().objects.staff().order_by("pk").first()
    by = (contact.user if contact and contact.user_id else None) or staff
    with transaction.atomic():
        request_cancellation(
            order=order, by=by, reason="Our store opening is postponed to next year (demo)."
        )
    return 1
