"""A customer's history in bulk for query-count tests and bench/portal.py: orders in every
step of the workflow with their lines, PIs, payments, memos, signed copies, cancellations and
credits. Rows are written straight to the tables (the services are tested elsewhere), then each
PI's money sums are refreshed as the services would."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from customers.models import Credit
from sales.models import (
    Cancellation,
    Memo,
    Order,
    OrderLine,
    Payment,
    ProformaInvoice,
    Quotation,
    SignedDocument,
)
from sales.services.payments import refresh_pi_money

# The steps the orders cycle through; every step after "confirmed" has a sent PI.
STEPS = [
    Order.Status.SUBMITTED,
    Order.Status.PI_SENT,
    Order.Status.PI_APPROVED,
    Order.Status.MEMO_SENT,
    Order.Status.PAYMENT_UPLOADED,
    Order.Status.PAID,
    Order.Status.PAID,
    Order.Status.CANCELLED,
]
WITH_PI = set(STEPS) - {Order.Status.SUBMITTED}


def build_history(customer, user, orders: int, *, currency: str = "USD", tag: str = "") -> dict:
    """`orders` orders placed by `user` for `customer`, one quotation per order, one credit per
    ten orders; returns the orders in each step."""
    today = timezone.localdate()
    now = timezone.now()
    prefix = f"{tag}{customer.pk}-"
    by_step: dict[str, list[Order]] = {}
    for i in range(orders):
        step = STEPS[i % len(STEPS)]
        total = Decimal(100 + i)
        Quotation.objects.create(
            number=f"Q{prefix}{i}",
            customer=customer,
            status=Quotation.Status.SENT if i % 2 else Quotation.Status.ACCEPTED,
            valid_until=today + timedelta(days=30),
            currency=currency,
            total=total,
            sent_at=now,
        )
        order = Order.objects.create(
            number=f"O{prefix}{i}",
            customer=customer,
            placed_by=user,
            status=step,
            currency=currency,
            subtotal=total,
            total=total,
            submitted_at=now,
            confirmed_at=now if step != Order.Status.SUBMITTED else None,
            billing_first_name="Omar",
            billing_city="Dubai",
            billing_country="AE",
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                position=line,
                description=f"Widget {line}",
                quantity=Decimal("1"),
                unit_price=total / 2,
                net_amount=total / 2,
            )
            for line in range(2)
        )
        by_step.setdefault(step, []).append(order)
        if step not in WITH_PI:
            continue
        pi = ProformaInvoice.objects.create(
            number=f"P{prefix}{i}",
            order=order,
            status=ProformaInvoice.Status.SENT,
            issue_date=today - timedelta(days=20),
            due_date=today + timedelta(days=(i % 3) * 10 - 10),
            customer_name=customer.name,
            seller_name="Lumytic",
            currency=currency,
            subtotal=total,
            total=total,
            sent_at=now,
        )
        if step != Order.Status.PI_SENT:
            SignedDocument.objects.create(
                pi=pi, version=1, file="sales/signed/x.pdf", size=1, sha256="0" * 64,
                status=SignedDocument.Status.APPROVED, uploaded_by=user,
            )  # fmt: skip
        if step == Order.Status.MEMO_SENT:
            Memo.objects.create(
                number=f"M{prefix}{i}", pi=pi, text="Pay to the new account.",
                status=Memo.Status.SENT, sent_at=now,
            )  # fmt: skip
        if step in (Order.Status.PAYMENT_UPLOADED, Order.Status.PAID):
            paid = step == Order.Status.PAID
            Payment.objects.create(
                pi=pi, amount=total if paid else total / 2, currency=currency,
                paid_on=today - timedelta(days=5), bank_reference=f"REF{i}",
                file="payments/proofs/x.pdf", size=1, sha256="0" * 64, uploaded_by=user,
                status=Payment.Status.CONFIRMED if paid else Payment.Status.PENDING,
            )  # fmt: skip
        if step == Order.Status.CANCELLED:
            Cancellation.objects.create(
                number=f"C{prefix}{i}", order=order, customer=customer, reason="Not needed.",
                status=Cancellation.Status.COMPLETED, currency=currency, order_total=total,
                pi_number=pi.number, received=Decimal("0"), decided_at=now, completed_at=now,
                reversed_amount=total,
            )  # fmt: skip
        elif step == Order.Status.PI_APPROVED and i % 16 == 2:
            # A confirmed cancellation waits for the customer's signature.
            Cancellation.objects.create(
                number=f"C{prefix}{i}", order=order, customer=customer, reason="Not needed.",
                status=Cancellation.Status.CONFIRMED, currency=currency, order_total=total,
                pi_number=pi.number, received=Decimal("0"), decided_at=now,
            )  # fmt: skip
        if i % 10 == 0:
            Credit.objects.create(
                customer=customer, amount=Decimal("5"), currency=currency, reason="Goodwill"
            )
    # The PIs' stored sums, as the payment and cancellation services keep them.
    for pi in ProformaInvoice.objects.filter(order__customer=customer):
        refresh_pi_money(pi)
    return by_step
