"""What waits on a portal user: the home page's to-do list and the navigation's badges.

Each kind of item is one queryset over what the user may see (`visible_orders` honours "only
show my own orders"). The counts of every granted kind are read in one query (scalar subqueries,
as the office sidebar does), once per request; the home page reads the items themselves in one
more query (a UNION of the kinds).

Both run SQL compiled once per process (`portal/compiled_sql.py`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, models
from django.db.models import Exists, F, Func, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from customers.models import Customer
from sales.models import (
    Cancellation,
    Memo,
    Order,
    ProformaInvoice,
    Quotation,
    SignedCancellation,
    SignedDocument,
)

from .compiled_sql import compiled_sql
from .models import Area
from .querysets import visible_orders

# The kinds of waiting items, in the order the home page lists them, and the area each needs.
KIND_AREAS = {
    "quotations": Area.QUOTATIONS,
    "orders": Area.ORDERS,
    "pis": Area.INVOICES,
    "memos": Area.INVOICES,
    "due": Area.INVOICES,
    "cancellations": Area.CANCELLATIONS,
}
# A signed copy in one of these states means the customer has done their part.
DONE = [SignedDocument.Status.PENDING, SignedDocument.Status.APPROVED]
MONEY = models.DecimalField(max_digits=17, decimal_places=3)


def waiting(customer, user, kinds, today: date | None = None) -> dict[str, models.QuerySet]:
    """For each of `kinds`, the items that wait on this user."""
    today = today or timezone.localdate()
    orders = visible_orders(Order.objects.filter(customer=customer), user)
    live_pis = (
        ProformaInvoice.objects.sent()
        .filter(order__in=orders)
        .exclude(order__status=Order.Status.CANCELLED)
    )
    signed_pi = SignedDocument.objects.filter(pi=OuterRef("pk"), memo__isnull=True, status__in=DONE)
    signed_memo = SignedDocument.objects.filter(memo=OuterRef("pk"), status__in=DONE)
    signed_cancellation = SignedCancellation.objects.filter(
        cancellation=OuterRef("pk"),
        status__in=[SignedCancellation.Status.PENDING, SignedCancellation.Status.APPROVED],
    )
    builders = {
        "quotations": lambda: Quotation.objects.filter(
            customer=customer,
            status=Quotation.Status.SENT,
            valid_until__gte=today,
        ),
        "orders": lambda: orders.filter(status=Order.Status.SUBMITTED),
        "pis": lambda: live_pis.exclude(Exists(signed_pi)),
        "memos": lambda: Memo.objects.sent().filter(pi__in=live_pis).exclude(Exists(signed_memo)),
        "due": lambda: ProformaInvoice.objects.filter(order__in=orders).open().with_amounts(),
        "cancellations": lambda: Cancellation.objects.filter(
            customer=customer, order__in=orders, status=Cancellation.Status.CONFIRMED
        ).exclude(Exists(signed_cancellation)),
    }
    return {kind: builders[kind]() for kind in KIND_AREAS if kind in kinds}


def granted_kinds(areas) -> list[str]:
    return [kind for kind, area in KIND_AREAS.items() if area in areas]


def _count(queryset: models.QuerySet) -> models.Expression:
    # COUNT as a plain function: no GROUP BY, so the subquery is one scalar.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def waiting_counts(customer, user, areas) -> dict[str, int]:
    """How many items of each granted kind wait on the user, in one query."""
    kinds = tuple(granted_kinds(areas))
    if not kinds:
        return {}

    def build(customer, user, today):
        querysets = waiting(customer, user, kinds, today)
        counts = {f"n_{kind}": _count(queryset) for kind, queryset in querysets.items()}
        return Customer.objects.filter(pk=customer.pk).values(**counts)

    with connection.cursor() as cursor:
        cursor.execute(*compiled_sql(("counts", kinds), build, customer, user))
        row = cursor.fetchone()
    return dict(zip(kinds, row, strict=True))


@dataclass(frozen=True)
class TodoItem:
    kind: str
    pk: int
    number: str
    order_id: int | None
    order_number: str
    on: date | None  # valid until, submitted, due, sent or confirmed, as the kind says
    amount: Decimal | None  # the total, or for "due" the balance still owed
    currency: str

    @property
    def overdue(self) -> bool:
        return self.kind == "due" and self.on is not None and self.on < timezone.localdate()


# What each kind's row shows: the path to its order ("" for an order itself, None when it has
# none), its date, its amount and its currency.
NO_AMOUNT = Value(None, output_field=MONEY)
ROW_SOURCES = {
    "quotations": (None, F("valid_until"), F("total"), F("currency")),
    "orders": ("", TruncDate("submitted_at"), F("total"), F("currency")),
    "pis": ("order", F("due_date"), F("total"), F("currency")),
    "memos": ("pi__order", TruncDate("sent_at"), NO_AMOUNT, F("pi__currency")),
    "due": ("order", F("due_date"), F("balance"), F("currency")),
    "cancellations": ("order", TruncDate("decided_at"), F("order_total"), F("currency")),
}


def _rows(kind: str, queryset: models.QuerySet) -> models.QuerySet:
    order_path, on, amount, currency = ROW_SOURCES[kind]
    if order_path is None:
        order = Value(None, output_field=models.IntegerField())
        order_number = Value("", output_field=models.CharField())
    elif order_path:
        order, order_number = F(f"{order_path}_id"), F(f"{order_path}__number")
    else:
        order, order_number = F("pk"), F("number")
    # The same names in the same order in every part, so the UNION lines up.
    columns = {
        "t_kind": Value(kind, output_field=models.CharField()),
        "t_pk": F("pk"),
        "t_number": Coalesce(F("number"), Value(""), output_field=models.CharField()),
        "t_order": order,
        "t_order_number": order_number,
        "t_on": on,
        "t_amount": amount,
        "t_currency": currency,
    }
    return queryset.order_by().annotate(**columns).values_list(*columns)


def waiting_items(customer, user, kinds) -> dict[str, list[TodoItem]]:
    """Every item of `kinds` that waits on the user, by kind, soonest date first, in one query."""
    kinds = tuple(kind for kind in KIND_AREAS if kind in kinds)
    items: dict[str, list[TodoItem]] = {kind: [] for kind in kinds}
    if not kinds:
        return items

    def build(customer, user, today):
        querysets = waiting(customer, user, kinds, today)
        parts = [_rows(kind, queryset) for kind, queryset in querysets.items()]
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    with connection.cursor() as cursor:
        cursor.execute(*compiled_sql(("items", kinds), build, customer, user))
        rows = cursor.fetchall()
    for kind, pk, number, order_id, order_number, on, amount, currency in rows:
        if isinstance(on, str):  # SQLite hands dates back as text
            on = date.fromisoformat(on[:10])
        if amount is not None and not isinstance(amount, Decimal):
            amount = Decimal(str(amount))
        items[kind].append(TodoItem(kind, pk, number, order_id, order_number, on, amount, currency))
    for kind_items in items.values():
        kind_items.sort(key=lambda item: (item.on or date.max, item.pk))
    return items


def totals_by_currency(items: list[TodoItem]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for item in items:
        totals[item.currency] = totals.get(item.currency, Decimal("0")) + (item.amount or 0)
    return dict(sorted(totals.items()))
