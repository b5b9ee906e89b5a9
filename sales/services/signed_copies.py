"""Signed copies of a PI, a memo or a cancellation order: keeping each uploaded version and
deciding it. The document's own service takes the locks, writes the timeline and the emails.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lumytic.accounts import roles
from lumytic.core.access import require_perm, stored_user
from lumytic.core.reasons import required_reason
from lumytic.core.uploads import display_name, file_kind, fingerprint

from ..models.base import SIGNED_DOCUMENT_VALIDATOR, SignedCopy


def keep_signed_version(document, *, by, file: File, versions, error: type[Exception]):
    """Save `document`, an unsaved signed copy, as the next of `versions`: the file judged by its
    content (PDF, PNG, JPEG), fingerprinted and stored under a generated name. A refused file
    raises `error` with a message for the user, and nothing is written."""
    try:
        SIGNED_DOCUMENT_VALIDATOR(file)
    except ValidationError as refused:
        raise error(" ".join(refused.messages)) from refused
    document.size, document.sha256 = fingerprint(file)
    document.version = (versions.aggregate(latest=Max("version"))["latest"] or 0) + 1
    document.original_name = display_name(getattr(file, "name", ""), kind=file_kind(file))
    document.uploaded_by = stored_user(by)
    document.file.save(document.original_name, file, save=False)
    document.save()
    return document


def review_signed_copy(
    document: SignedCopy,
    status: str,
    *,
    by,
    lock: Callable[[SignedCopy], tuple],
    error: type[Exception],
    reason: str = "",
    missing: str = "",
    max_reason: int | None = None,
) -> tuple:
    """Approve or reject a signed copy awaiting review, and return what `lock` returned.

    The reviewer's permission first, then a rejection's reason (`missing` says it is wanted),
    then the locks: `lock` takes the order, the signed document and the copy, in that order,
    and returns them locked, the copy last. Every refusal raises `error`.
    """
    require_perm(by, roles.REVIEW_SIGNED_DOCUMENTS)
    if status == SignedCopy.Status.REJECTED:
        reason = required_reason(
            reason,
            missing=missing or _("Give the customer a reason for rejecting the signed copy."),
            error=error,
            max_chars=max_reason,
        )
    *held, document = lock(document)
    if not document.can_become(status):
        raise error(
            _("Version %(version)s is %(status)s; only a version awaiting review can be decided.")
            % {"version": document.version, "status": document.get_status_display().lower()}
        )
    document.status = status
    document.reason = reason
    document.decided_by = stored_user(by)
    document.decided_at = timezone.now()
    document.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return (*held, document)
