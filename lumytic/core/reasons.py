"""The reason someone must give when they refuse something (a rejection, a refusal, a decline)."""

from django.utils.translation import gettext as _


def required_reason(
    reason: str, *, missing: str, error: type[Exception], max_chars: int | None = None
) -> str:
    """The reason, stripped. None raises `error(missing)`; one over `max_chars` raises `error`."""
    reason = (reason or "").strip()
    if not reason:
        raise error(missing)
    if max_chars is not None and len(reason) > max_chars:
        raise error(_("Keep the reason under %(max)s characters.") % {"max": max_chars})
    return reason
