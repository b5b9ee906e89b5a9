"""`needs_action` for the office sidebar: PIs whose signed copy awaits review, payments awaiting
review, and cancellation orders to decide or review. Computed only when a template reads it, for
staff only, in one query.

Not cached across requests: one indexed query per office page is cheap, the counts stay live
right after a review, and every page keeps the same query count whatever was cached before.
"""

from django.db import connection
from django.utils.functional import SimpleLazyObject

from lumytic.core.access import is_office_user

from .cancellations import Cancellation, SignedCancellation
from .invoicing import SignedDocument
from .payments import Payment

# Pending rows only, through each table's status index: the cost follows what awaits review,
# not the number of PIs; plain SQL, as compiling an ORM aggregate costs more than running it.
_COUNTS_SQL = (
    "SELECT (SELECT COUNT(DISTINCT pi_id) FROM {documents} WHERE status = %s),"
    " (SELECT COUNT(*) FROM {payments} WHERE status = %s),"
    # Requests to decide, plus signed copies to review (those cancellations are "signed", so
    # the two never count the same cancellation).
    " (SELECT COUNT(*) FROM {cancellations} WHERE status = %s)"
    " + (SELECT COUNT(DISTINCT cancellation_id) FROM {signed_cancellations} WHERE status = %s)"
)


def needs_action_counts() -> dict[str, int]:
    """{"pis": PIs with a signed copy awaiting review, "payments": payments awaiting review,
    "cancellations": cancellation orders to decide or whose signed copy awaits review}."""
    quote = connection.ops.quote_name
    sql = _COUNTS_SQL.format(
        documents=quote(SignedDocument._meta.db_table),
        payments=quote(Payment._meta.db_table),
        cancellations=quote(Cancellation._meta.db_table),
        signed_cancellations=quote(SignedCancellation._meta.db_table),
    )
    params = [
        SignedDocument.Status.PENDING,
        Payment.Status.PENDING,
        Cancellation.Status.REQUESTED,
        SignedCancellation.Status.PENDING,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pis, payments, cancellations = cursor.fetchone()
    return {"pis": pis, "payments": payments, "cancellations": cancellations}


def needs_action(request) -> dict:
    def compute():
        if not is_office_user(getattr(request, "user", None)):
            return {}
        return needs_action_counts()

    return {"needs_action": SimpleLazyObject(compute)}
