"""The sales app's sidebar counts (registered with lumytic.core.nav from SalesConfig.ready()).

Each reads only pending rows through the status indexes, so its cost follows what awaits staff,
not the number of documents; plain SQL, as compiling an ORM aggregate costs more than running it.
Table names come from the models, values go in as parameters.
"""

from django.db import connection

from .models import Cancellation, Payment, SignedCancellation, SignedDocument

_PIS = "SELECT COUNT(DISTINCT pi_id) FROM {table} WHERE status = %s"
_PAYMENTS = "SELECT COUNT(*) FROM {table} WHERE status = %s"
# Requests to decide, plus cancellations whose signed copy awaits review (those are "signed",
# so the two never count the same cancellation).
_CANCELLATIONS = (
    "SELECT (SELECT COUNT(*) FROM {table} WHERE status = %s)"
    " + (SELECT COUNT(DISTINCT cancellation_id) FROM {signed} WHERE status = %s)"
)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def pis_awaiting_review() -> tuple[str, list]:
    """PIs with a signed copy awaiting review, each once."""
    return _PIS.format(table=_table(SignedDocument)), [SignedDocument.Status.PENDING]


def payments_awaiting_review() -> tuple[str, list]:
    return _PAYMENTS.format(table=_table(Payment)), [Payment.Status.PENDING]


def cancellations_awaiting_staff() -> tuple[str, list]:
    sql = _CANCELLATIONS.format(table=_table(Cancellation), signed=_table(SignedCancellation))
    return sql, [Cancellation.Status.REQUESTED, SignedCancellation.Status.PENDING]
