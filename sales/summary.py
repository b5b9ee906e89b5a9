"""The sales app's part of a customer's Summary: document totals and what the customer owes.

Balance per currency = sent PIs' totals - confirmed payments. Applied credits are left out on
purpose: the customers app already subtracts every credit issued (money we owe the customer),
and applying one moves money from "we owe them" to "paid on a PI", which changes neither side's
sum. Together: PIs - payments - credits issued
             = (PIs - payments - credits applied) [still due] - (credits - applied) [still owed].
A completed cancellation writes off what its PI left unpaid (`reversed_amount`): the money
received on the order became a credit, so the PI's total less that credit and the write-off
nets to zero. Four queries, whatever the number of documents.
"""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from customers.tabs import DocumentTotal, SummaryPart

from .models import Cancellation, Order, Payment, ProformaInvoice


def _by_currency(queryset, amount: str) -> tuple[int, dict[str, Decimal]]:
    rows = list(
        queryset.order_by()
        .values("currency")
        .annotate(count=Count("pk"), total=Sum(amount))
        .order_by("currency")
    )
    return sum(row["count"] for row in rows), {row["currency"]: row["total"] for row in rows}


def sales_summary(customer) -> SummaryPart:
    orders = Order.objects.filter(customer=customer).exclude(
        status__in=[Order.Status.DRAFT, Order.Status.CANCELLED]
    )
    order_count, order_totals = _by_currency(orders, "total")
    pis = ProformaInvoice.objects.sent().filter(order__customer=customer)
    pi_count, pi_totals = _by_currency(pis, "total")
    payments = Payment.objects.confirmed().filter(pi__order__customer=customer)
    payment_count, payment_totals = _by_currency(payments, "amount")

    written_off = Cancellation.objects.filter(
        customer=customer, status=Cancellation.Status.COMPLETED, reversed_amount__gt=0
    )
    _count, written_off_totals = _by_currency(written_off, "reversed_amount")

    balance = dict(pi_totals)
    for totals in (payment_totals, written_off_totals):
        for currency, amount in totals.items():
            balance[currency] = balance.get(currency, Decimal("0")) - amount
    return SummaryPart(
        totals=[
            DocumentTotal(_("Orders"), order_count, order_totals, tab="orders"),
            DocumentTotal(_("Proforma invoices"), pi_count, pi_totals, tab="proforma-invoices"),
            DocumentTotal(_("Confirmed payments"), payment_count, payment_totals, tab="payments"),
        ],
        balance=balance,
    )
