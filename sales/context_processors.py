"""`needs_action` for the office sidebar: PIs whose signed copy awaits review and payments
awaiting review. Computed only when a template reads it, for staff only, in one query.

Not cached across requests: one indexed query per office page is cheap, the counts stay live
right after a review, and every page keeps the same query count whatever was cached before.
"""

from django.db import connection
from django.utils.functional import SimpleLazyObject

from lumytic.core.access import is_office_user

from .invoicing import SignedDocument
from .payments import Payment

# Pending rows only, through each table's status index: the cost follows what awaits review,
# not the number of PIs; plain SQL, as compiling an ORM aggregate costs more than running it.
_COUNTS_SQL = (
    "SELECT (SELECT COUNT(DISTINCT pi_id) FROM {documents} WHERE status = %s),"
    " (SELECT COUNT(*) FROM {payments} WHERE status = %s)"
)


def needs_action_counts() -> dict[str, int]:
    """{"pis": PIs with a signed copy awaiting review, "payments": payments awaiting review}."""
    sql = _COUNTS_SQL.format(
        documents=connection.ops.quote_name(SignedDocument._meta.db_table),
        payments=connection.ops.quote_name(Payment._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [SignedDocument.Status.PENDING, Payment.Status.PENDING])
        pis, payments = cursor.fetchone()
    return {"pis": pis, "payments": payments}


def needs_action(request) -> dict:
    def compute():
        if not is_office_user(getattr(request, "user", None)):
            return {}
        return needs_action_counts()

    return {"needs_action": SimpleLazyObject(compute)}
