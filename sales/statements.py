"""A customer's statement of account for a date range, in one currency (DESIGN.md §3, issue 7).

The statement tells the same story as the customer page's Summary balance (sales/summary.py and
the customers app's credits): sent PIs are debits, confirmed payments and credits issued are
credits, so the closing balance of a statement that ends today is the Summary's balance. An
applied credit is listed for information only: the credit was counted when it was issued, and
applying it moves money from "we owe them" to "paid on a PI", which leaves the balance alone.

Dates: a PI counts on its issue date, a payment on the date the customer paid (as confirmed by
staff), a credit on the day it was recorded. A completed cancellation order writes off the
unpaid rest of its PI on the day it was applied (the money received became a credit that day).
Six queries, whatever the number of rows (the opening balance is one).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Func, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from customers.models import Credit, Customer

from .models import Cancellation, CreditApplication, Payment, ProformaInvoice
from .totals import quantize

ZERO = Decimal("0")
# Same-day rows: the invoice first, then what pays it.
KIND_ORDER = {"pi": 0, "payment": 1, "cancellation": 2, "credit": 3, "credit_applied": 4}


@dataclass(frozen=True)
class StatementRow:
    date: date
    kind: str  # "pi", "payment", "cancellation", "credit" or "credit_applied" (information only)

    @property
    def kind_label(self) -> str:
        return kind_labels()[self.kind]

    reference: str
    description: str
    debit: Decimal | None  # what the customer owes more
    credit: Decimal | None  # what the customer owes less
    balance: Decimal  # running balance after this row


@dataclass
class Statement:
    customer: object
    currency: str
    start: date
    end: date
    opening: Decimal
    rows: list[StatementRow] = field(default_factory=list)
    closing: Decimal = ZERO
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO


def _sums(customer, **sources: tuple) -> dict[str, Decimal]:
    """Each (queryset, amount) summed, all in one query (scalar subqueries)."""
    money = DecimalField(max_digits=17, decimal_places=3)

    def total(queryset, amount):
        summed = queryset.order_by().annotate(s=Func(F(amount), function="SUM")).values("s")
        return Subquery(summed, output_field=money)

    row = (
        Customer.objects.filter(pk=customer.pk)
        .values(**{f"sum_{name}": total(*source) for name, source in sources.items()})
        .get()
    )
    return {name: row[f"sum_{name}"] or ZERO for name in sources}


def _sources(customer, currency: str):
    pis = ProformaInvoice.objects.sent().filter(order__customer=customer, currency=currency)
    payments = Payment.objects.confirmed().filter(pi__order__customer=customer, currency=currency)
    credits = Credit.objects.filter(customer=customer, currency=currency).annotate(
        on=TruncDate("created_at")
    )
    written_off = Cancellation.objects.filter(
        customer=customer,
        currency=currency,
        status=Cancellation.Status.COMPLETED,
        reversed_amount__gt=0,
    ).annotate(on=TruncDate("completed_at"))
    return pis, payments, credits, written_off


def statement_for(customer, *, start: date, end: date, currency: str) -> Statement:
    """Opening balance before `start`, every movement from `start` to `end` (inclusive) with
    the running balance, and the closing balance. Positive: the customer owes us."""
    pis, payments, credits, written_off = _sources(customer, currency)
    before = _sums(
        customer,
        pis=(pis.filter(issue_date__lt=start), "total"),
        payments=(payments.filter(paid_on__lt=start), "amount"),
        credits=(credits.filter(on__lt=start), "amount"),
        written_off=(written_off.filter(on__lt=start), "reversed_amount"),
    )
    opening = before["pis"] - before["payments"] - before["credits"] - before["written_off"]
    # Plain columns rather than model instances: a statement can run to hundreds of rows.
    movements: list[tuple] = []
    in_period = pis.filter(issue_date__range=(start, end))
    for on, pk, number, order, total in in_period.values_list(
        "issue_date", "pk", "number", "order__number", "total"
    ):
        description = _("Proforma invoice for order %(order)s") % {"order": order}
        movements.append((on, "pi", pk, number, description, total, None))
    in_period = payments.filter(paid_on__range=(start, end))
    for on, pk, pi, reference, amount in in_period.values_list(
        "paid_on", "pk", "pi__number", "bank_reference", "amount"
    ):
        description = _("Payment for %(pi)s, bank reference %(reference)s") % {
            "pi": pi,
            "reference": reference,
        }
        movements.append((on, "payment", pk, pi, description, None, amount))
    in_period = written_off.filter(on__range=(start, end))
    for on, pk, number, order, pi, amount in in_period.values_list(
        "on", "pk", "number", "order__number", "pi_number", "reversed_amount"
    ):
        description = _("Order %(order)s cancelled: the unpaid rest of %(pi)s is written off") % {
            "order": order,
            "pi": pi,
        }
        movements.append((on, "cancellation", pk, number, description, None, amount))
    in_period = credits.filter(on__range=(start, end))
    for on, pk, reason, amount in in_period.values_list("on", "pk", "reason", "amount"):
        # The row's type says "credit issued"; the reason is its description.
        movements.append((on, "credit", pk, "", reason, None, amount))
    applications = (
        CreditApplication.objects.filter(credit__customer=customer, credit__currency=currency)
        .annotate(on=TruncDate("applied_at"))
        .filter(on__range=(start, end))
        .values_list("on", "pk", "pi__number", "amount")
    )
    for on, pk, pi, amount in applications:
        description = _("Credit of %(amount)s applied to %(pi)s (counted when issued)") % {
            "amount": quantize(amount, currency),
            "pi": pi,
        }
        movements.append((on, "credit_applied", pk, pi, description, None, None))
    movements.sort(key=lambda m: (m[0], KIND_ORDER[m[1]], m[2]))

    statement = Statement(
        customer=customer,
        currency=currency,
        start=start,
        end=end,
        opening=quantize(opening, currency),
    )
    balance = statement.opening
    for on, kind, _pk, reference, description, debit, credit in movements:
        debit = quantize(debit, currency) if debit is not None else None
        credit = quantize(credit, currency) if credit is not None else None
        balance = balance + (debit or ZERO) - (credit or ZERO)
        statement.total_debit += debit or ZERO
        statement.total_credit += credit or ZERO
        statement.rows.append(
            StatementRow(on, kind, reference, description, debit, credit, balance)
        )
    statement.closing = balance
    statement.total_debit = quantize(statement.total_debit, currency)
    statement.total_credit = quantize(statement.total_credit, currency)
    return statement


def statement_currencies(customer) -> list[str]:
    """The currencies a customer has a statement in: their sent PIs' and credits', and their
    default currency (so a new customer sees an empty statement rather than none)."""
    pi_codes = (
        ProformaInvoice.objects.sent()
        .filter(order__customer=customer)
        .order_by()
        .values_list("currency", flat=True)
    )
    credit_codes = (
        Credit.objects.filter(customer=customer).order_by().values_list("currency", flat=True)
    )
    codes = set(pi_codes.union(credit_codes))  # one query; UNION drops the duplicates
    if getattr(customer, "default_currency", ""):
        codes.add(customer.default_currency)
    return sorted(codes)


def kind_labels() -> dict[str, str]:
    return {
        "pi": _("Proforma invoice"),
        "payment": _("Payment"),
        "cancellation": _("Cancellation"),
        "credit": _("Credit issued"),
        "credit_applied": _("Credit applied"),
    }


def statement_csv_rows(statement: Statement):
    """The statement as CSV rows (header first); the view neutralises every text cell."""
    labels = kind_labels()
    yield [
        _("Date"),
        _("Type"),
        _("Reference"),
        _("Description"),
        _("Debit"),
        _("Credit"),
        _("Balance"),
    ]
    yield [statement.start.isoformat(), "", "", _("Opening balance"), "", "", statement.opening]
    for row in statement.rows:
        yield [
            row.date.isoformat(),
            labels[row.kind],
            row.reference,
            row.description,
            "" if row.debit is None else row.debit,
            "" if row.credit is None else row.credit,
            row.balance,
        ]
    yield [
        statement.end.isoformat(),
        "",
        "",
        _("Closing balance"),
        statement.total_debit,
        statement.total_credit,
        statement.closing,
    ]
