"""Applying a cancellation: the order is cancelled, confirmed payments become credits; balances and
statements afterwards."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from customers import tabs
from customers.models import Credit
from sales.models import Cancellation, Order
from sales.services.cancellations import (
    CancellationError,
    approve_signed_cancellation,
    complete_cancellation,
    confirm_cancellation,
    request_cancellation,
    upload_signed_cancellation,
)
from sales.services.orders import OrderError, confirm_order, create_order
from sales.services.payments import apply_credit, confirm_payment, reject_payment
from sales.statements import statement_for
from tests.sales.helpers import (
    BILLING,
    CANCELLATION_REASON,
    approved_pi,
    credit,
    emails,
    pay,
    proof,
    status_of,
    verbs,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "seller_profile")]


def signed_off_cancellation(pi, buyer, owner):
    """`pi`'s order's cancellation, requested, confirmed, signed and approved: ready to apply."""
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)
    return cancellation


# --- Apply ---------------------------------------------------------------------------------------


def test_applying_cancels_the_order_and_turns_confirmed_payments_into_credit(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "300"), by=owner)
    confirm_payment(payment=pay(pi, buyer, "200"), by=owner)
    cancellation = signed_off_cancellation(pi, buyer, owner)

    complete_cancellation(cancellation=cancellation, by=owner)

    cancellation.refresh_from_db()
    order = Order.objects.get(pk=pi.order_id)
    assert order.status == Order.Status.CANCELLED
    assert (
        order.cancelled_at == cancellation.completed_at
        and order.cancel_reason == CANCELLATION_REASON
    )
    assert cancellation.status == Cancellation.Status.COMPLETED
    assert cancellation.credited_amount == Decimal("500.000")
    assert cancellation.reversed_amount == Decimal("500.000")  # the unpaid rest of 1,000
    credit_row = Credit.objects.get()
    assert cancellation.credit == credit_row
    assert (credit_row.customer, credit_row.amount, credit_row.currency) == (
        order.customer,
        Decimal("500.000"),
        "USD",
    )
    assert cancellation.number in credit_row.reason and order.number in credit_row.reason
    assert verbs(order)[-1] == "order cancelled"


def test_rejected_and_pending_payments_never_become_credit(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "100"), by=owner)
    pending = pay(pi, buyer, "50")
    cancellation = signed_off_cancellation(pi, buyer, owner)

    with pytest.raises(CancellationError, match="awaits review"):
        complete_cancellation(cancellation=cancellation, by=owner)
    assert status_of(pi.order) != Order.Status.CANCELLED and not Credit.objects.exists()

    reject_payment(payment=pending, by=owner, reason="Unreadable")
    complete_cancellation(cancellation=cancellation, by=owner)
    assert Credit.objects.get().amount == Decimal("100.000")


def test_credit_already_applied_to_the_pi_is_given_back_too(pi, buyer, owner):
    customer = pi.order.customer
    earlier = credit(customer, "150")
    apply_credit(pi=pi, by=owner, credit=earlier, amount="150")
    confirm_payment(payment=pay(pi, buyer, "250"), by=owner)
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    assert Cancellation.objects.get(pk=cancellation.pk).received == Decimal("400.000")
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)

    complete_cancellation(cancellation=cancellation, by=owner)

    cancellation.refresh_from_db()
    assert cancellation.credited_amount == Decimal("400.000")
    assert cancellation.reversed_amount == Decimal("600.000")


def test_a_paid_order_can_be_cancelled_and_everything_paid_is_credited(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "1000"), by=owner)
    assert status_of(pi.order) == Order.Status.PAID
    cancellation = signed_off_cancellation(pi, buyer, owner)
    complete_cancellation(cancellation=cancellation, by=owner)

    assert status_of(pi.order) == Order.Status.CANCELLED
    assert Credit.objects.get().amount == Decimal("1000.000")
    assert Cancellation.objects.get(pk=cancellation.pk).reversed_amount == Decimal("0.000")


def test_a_confirmed_order_without_a_pi_is_cancelled_with_nothing_to_credit(buyer, owner):
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[{"description": "Box", "quantity": 1, "unit_price": 5}],
    )
    order = confirm_order(order=order, by=buyer, billing=BILLING)
    cancellation = request_cancellation(order=order, by=buyer, reason=CANCELLATION_REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)
    complete_cancellation(cancellation=cancellation, by=owner)
    cancellation.refresh_from_db()
    assert status_of(order) == Order.Status.CANCELLED
    assert (cancellation.credited_amount, cancellation.reversed_amount) == (0, 0)
    assert cancellation.credit is None and not Credit.objects.exists()


def test_the_completion_email_goes_to_the_owner_and_the_customer(approved, owner, buyer):
    complete_cancellation(cancellation=approved, by=owner)
    sent = emails("cancellation_completed")
    assert sorted(e.to_email for e in sent) == sorted([owner.email, buyer.email])
    assert all(approved.number in e.subject for e in sent)
    assert all(approved.order.number in e.body_text for e in sent)


def test_after_cancelling_the_balance_and_statement_show_the_credit_owed(pi, buyer, owner):
    customer = pi.order.customer
    confirm_payment(payment=pay(pi, buyer, "300"), by=owner)
    assert tabs.combine_balance(tabs.summary_parts(customer)) == {"USD": Decimal("700.000")}
    cancellation = signed_off_cancellation(pi, buyer, owner)
    complete_cancellation(cancellation=cancellation, by=owner)
    cancellation.refresh_from_db()

    # Nothing is due on the cancelled order any more; we owe the customer the 300 paid.
    balance = tabs.combine_balance(tabs.summary_parts(customer))
    assert balance == {"USD": Decimal("-300.000")}
    statement = statement_for(
        customer, start=date(2000, 1, 1), end=timezone.localdate(), currency="USD"
    )
    assert statement.closing == balance["USD"]
    kinds = [row.kind for row in statement.rows]
    assert kinds.count("cancellation") == 1 and kinds.count("credit") == 1
    [row] = [row for row in statement.rows if row.kind == "cancellation"]
    assert row.credit == Decimal("700.00") and row.reference == cancellation.number
    # A statement that ends before the cancellation is unchanged: history is not rewritten.
    later = statement_for(
        customer, start=timezone.localdate(), end=timezone.localdate(), currency="USD"
    )
    assert later.closing == statement.closing


def test_the_credit_can_pay_a_later_invoice(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "400"), by=owner)
    cancellation = signed_off_cancellation(pi, buyer, owner)
    complete_cancellation(cancellation=cancellation, by=owner)

    later = approved_pi(pi.order.customer, buyer, owner, total="400.00")
    apply_credit(pi=later, by=owner, credit=Credit.objects.get(), amount="400")
    assert status_of(later.order) == Order.Status.PAID


def test_payments_stop_once_the_order_is_cancelled(approved, owner, buyer):
    complete_cancellation(cancellation=approved, by=owner)
    pi = approved.order.proforma_invoices.get()
    with pytest.raises(OrderError):
        pay(pi, buyer, "10", bank_reference="X")
