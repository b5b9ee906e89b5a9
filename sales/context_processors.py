"""`needs_action` for the office sidebar: PIs whose signed copy awaits review and payments
awaiting review. Computed only when a template reads it, for staff only, in one query.

Not cached across requests: one indexed query per office page is cheap, the counts stay live
right after a review, and every page keeps the same query count whatever was cached before.
"""

from django.db.models import Count, Q
from django.utils.functional import SimpleLazyObject

from lumytic.core.access import is_office_user

from .invoicing import ProformaInvoice, SignedDocument
from .payments import Payment


def needs_action_counts() -> dict[str, int]:
    """{"pis": ..., "payments": ...} in one query."""
    return ProformaInvoice.objects.aggregate(
        pis=Count(
            "pk", filter=Q(signed_documents__status=SignedDocument.Status.PENDING), distinct=True
        ),
        payments=Count(
            "payments", filter=Q(payments__status=Payment.Status.PENDING), distinct=True
        ),
    )


def needs_action(request) -> dict:
    def compute():
        if not is_office_user(getattr(request, "user", None)):
            return {}
        return needs_action_counts()

    return {"needs_action": SimpleLazyObject(compute)}
