"""Shared building blocks: document numbers and the seller's identity."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import CompanyProfile, DocumentSequence


def allocate_number(*, kind: str, yearly: bool = True, width: int = 5, on=None) -> str:
    """Hand out the next number for a document type, e.g. ``SO-2026-00001`` or ``CUS-000042``.

    The counter row is locked for the rest of the caller's transaction, so concurrent callers
    queue up and each gets the next value; a rolled-back caller gives its number back.
    """
    return allocate_block(kind=kind, count=1, yearly=yearly, width=width, on=on)[0]


def allocate_block(
    *, kind: str, count: int, yearly: bool = True, width: int = 5, on=None
) -> list[str]:
    """Hand out `count` consecutive numbers at once (bulk imports), under the same lock."""
    year = (on or timezone.localdate()).year if yearly else 0
    with transaction.atomic():
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(kind=kind, year=year, last_value=0)], ignore_conflicts=True
        )
        sequence = DocumentSequence.objects.select_for_update().get(kind=kind, year=year)
        first = sequence.last_value + 1
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
    return [_format(kind, year, value, width, yearly) for value in range(first, first + count)]


def _format(kind: str, year: int, value: int, width: int, yearly: bool) -> str:
    digits = str(value).zfill(width)
    return f"{kind}-{year}-{digits}" if yearly else f"{kind}-{digits}"


def company_reply_to() -> str:
    """The Reply-To used when no staff member is responsible: the company email."""
    return CompanyProfile.load().email or settings.DEFAULT_FROM_EMAIL
