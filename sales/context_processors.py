"""`needs_action` for the office sidebar: PIs whose signed copy awaits review, payments awaiting
review, and cancellation orders to decide or review. Computed only when a template reads it, for
staff only, in one query.

Not cached across requests: one indexed query per office page is cheap, the counts stay live
right after a review, and every page keeps the same query count whatever was cached before.
"""

from django.db import connection
from django.db.models import F, Func
from django.utils.functional import SimpleLazyObject

from lumytic.core.access import is_office_user

from .cancellations import Cancellation
from .invoicing import ProformaInvoice, SignedDocument
from .payments import Payment

PENDING = SignedDocument.Status.PENDING
COUNT_DISTINCT = "%(function)s(DISTINCT %(expressions)s)"


def _count(queryset) -> tuple[str, tuple]:
    """The SQL (and parameters) that counts a queryset's distinct rows."""
    count = Func(F("pk"), function="COUNT", template=COUNT_DISTINCT)
    return queryset.order_by().values(n=count).query.sql_with_params()


def needs_action_counts() -> dict[str, int]:
    """{"pis": ..., "payments": ..., "cancellations": ...} in one query."""
    counts = {
        "pis": _count(ProformaInvoice.objects.filter(signed_documents__status=PENDING)),
        "payments": _count(Payment.objects.pending()),
        "cancellations": _count(Cancellation.objects.awaiting_staff()),
    }
    # Three scalar subqueries in one SELECT: one round trip for the whole sidebar.
    sql = "SELECT " + ", ".join(f"({part})" for part, _params in counts.values())
    params = [param for _part, part_params in counts.values() for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(counts, row, strict=True))


def needs_action(request) -> dict:
    def compute():
        if not is_office_user(getattr(request, "user", None)):
            return {}
        return needs_action_counts()

    return {"needs_action": SimpleLazyObject(compute)}
