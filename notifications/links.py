"""Links that sign someone in: minted while an email is sent, never stored readable.

An email that carries such a link (an invitation, a set-password or password-reset link) is
stored with a note in the link's place, e.g. "[set-password link sent; not stored]", and with
the link's kind and reference (an id, no secret). ``deliver`` asks the kind's issuer for a fresh
link and writes it only into the message handed to the email backend, so the Outbox, the admin
and the database never hold a working token, and a retry simply mints the link again.

The app that owns a kind registers it from its ``AppConfig.ready()``; this module imports none.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import OutboundEmail

# An issuer gets the stored reference and the outbox row being sent; it returns the link's
# path (or URL), or None when the link may no longer be given (used, withdrawn, replaced).
Issuer = Callable[..., str | None]


@dataclass(frozen=True)
class SecretLink:
    """The link an email's button carries, named by kind and reference instead of its token."""

    kind: str
    ref: str


@dataclass(frozen=True)
class LinkKind:
    key: str
    note: str
    issue: Issuer


_KINDS: dict[str, LinkKind] = {}


def register_link_kind(key: str, *, note: str, issue: Issuer) -> None:
    """Declare a kind of secret link, the note shown in its place, and who mints it."""
    if not note.startswith("[") or not note.endswith("]"):
        raise ValueError("A link note is shown in brackets so it never looks like an address.")
    _KINDS[key] = LinkKind(key=key, note=note, issue=issue)


def get_link_kind(key: str) -> LinkKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown secret link kind {key!r}; register it first.") from None


def link_kinds() -> list[LinkKind]:
    return list(_KINDS.values())


def latest_link_email_id(kind: str, ref: str) -> int | None:
    """The newest outbox row carrying this link; a link minted for an older row is void."""
    return (
        OutboundEmail.objects.filter(secret_link_kind=kind, secret_link_ref=str(ref))
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
