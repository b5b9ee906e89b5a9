"""The outbox: write emails with the change that causes them, send them after commit.

``notify`` renders and stores one row per recipient inside the caller's transaction; once that
transaction commits, the rows are queued for sending (``delivery.py`` sends them, each at most
once). ``requeue_email`` and ``send_test_email`` are the Outbox page's actions.

A link that signs someone in is never rendered into a stored row: ``notify(secret_link=…)``
stores a note in its place and delivery mints the real link into the outgoing message only
(see ``links.py``).
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from email.utils import formataddr, parseaddr
from functools import partial
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .catalogue import EmailType, get_email_type
from .delivery import NO_RECIPIENT_ERROR, absolute_url, enqueue
from .errors import AlreadySentError, NotResendableError, OutboxError
from .links import SecretLink, get_link_kind
from .models import OutboundAttachment, OutboundEmail

logger = logging.getLogger(__name__)

SIDES = ("office", "portal")
MAX_SUBJECT_LENGTH = 300


@dataclass(frozen=True)
class Recipient:
    """Who receives an email, in which language, and which side their button opens."""

    email: str
    name: str = ""
    language: str = ""
    side: str = "office"

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"Recipient side must be one of {SIDES}, not {self.side!r}.")

    @classmethod
    def from_user(cls, user: Any) -> "Recipient":
        """Build a recipient from any user that follows the notification protocol."""
        return cls(
            email=(getattr(user, "email", "") or "").strip(),
            name=getattr(user, "notification_name", "") or "",
            language=getattr(user, "language", "") or "",
            side=getattr(user, "notification_side", "") or "office",
        )


@dataclass(frozen=True)
class Attachment:
    """A file to send with an email."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


class RenderedEmail(NamedTuple):
    subject: str
    text: str
    html: str


def notify(
    event: str,
    *,
    recipients: Iterable[Any],
    context: Mapping[str, Any] | None = None,
    details: Iterable[tuple[Any, Any]] = (),
    links: Mapping[str, str] | None = None,
    reply_to: str = "",
    attachments: Iterable[Attachment | tuple[str, bytes, str]] = (),
    secret_link: SecretLink | None = None,
) -> list[OutboundEmail]:
    """Write one outbound email per recipient and send them once the transaction commits.

    With no usable recipient, one failed row (no address) is written instead, so the Outbox
    shows the email that reached nobody; it is never handed to a worker. A ``secret_link`` is
    the button of every recipient; the stored row shows its note, never the link.
    """
    email_type = get_email_type(event)
    context = dict(context or {})
    details = list(details)
    button_urls = _button_urls(links or {})
    if secret_link is not None:
        if links or not email_type.button:
            raise ValueError(f"Email {event!r} carries its secret link as its only button.")
        note = get_link_kind(secret_link.kind).note
        button_urls = dict.fromkeys(SIDES, note)
    files = [_as_attachment(item) for item in attachments]
    people = _unique_recipients(recipients)
    addressed = bool(people)
    if not addressed:
        logger.warning("Email %r has no recipient; it is kept in the Outbox as failed.", event)
        people = [Recipient(email="")]  # rendered as staff would see it, for the Outbox
    reply_to = reply_to or default_reply_to()
    from_email = sender_address(email_type.sender)

    # Rendering happens before any write, so a template error leaves nothing half-written.
    rendered = [
        (
            person,
            render_email(
                email_type,
                recipient=person,
                context=context,
                details=details,
                button_url=button_urls.get(person.side, ""),
                reply_to=reply_to,
            ),
        )
        for person in people
    ]
    emails = []
    with transaction.atomic():
        for person, (subject, text, html) in rendered:
            email = OutboundEmail.objects.create(
                event=event,
                to_email=person.email,
                to_name=person.name[:200],
                language=_language_for(person),
                from_email=from_email,
                reply_to=reply_to,
                subject=subject,
                body_text=text,
                body_html=html,
                secret_link_kind=secret_link.kind if secret_link else "",
                secret_link_ref=str(secret_link.ref) if secret_link else "",
                **({} if addressed else _unaddressed_failure()),
            )
            OutboundAttachment.objects.bulk_create(
                OutboundAttachment(
                    email=email, filename=f.filename, mimetype=f.mimetype, content=f.content
                )
                for f in files
            )
            emails.append(email)
        if addressed:
            transaction.on_commit(partial(enqueue, [email.pk for email in emails]))
    return emails


def render_email(
    email_type: EmailType,
    *,
    recipient: Recipient,
    context: Mapping[str, Any],
    details: Iterable[tuple[Any, Any]] = (),
    button_url: str = "",
    reply_to: str = "",
) -> RenderedEmail:
    """Render the subject, text and HTML of one email in the recipient's language."""
    with translation.override(_language_for(recipient)):
        subject = _fill(email_type.subject, context, email_type.key)
        subject = " ".join(subject.split())[:MAX_SUBJECT_LENGTH]  # headers can't hold newlines
        template_context = {
            **context,
            "context": context,
            "event": email_type.key,
            "email_type": email_type,
            "recipient": recipient,
            "subject": subject,
            "intro": _fill(email_type.intro_for(context), context, email_type.key),
            "details": list(details),
            "button_label": str(email_type.button) if email_type.button and button_url else "",
            "button_url": button_url if email_type.button else "",
            "site_url": settings.SITE_URL,
            "reply_to": reply_to,
        }
        key = email_type.key
        text = render_to_string(
            [f"notifications/email/{key}.txt", "notifications/email/generic.txt"],
            template_context,
        )
        html = render_to_string(
            [f"notifications/email/{key}.html", "notifications/email/generic.html"],
            template_context,
        )
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


def requeue_email(*, email: OutboundEmail) -> OutboundEmail:
    """Queue a failed email again; a sent one is refused so nobody gets it twice."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if email.status == OutboundEmail.Status.SENT:
            raise AlreadySentError(gettext("This email was already sent; it is never sent twice."))
        if not email.to_email.strip():
            raise NotResendableError(
                gettext("This email has no recipient, so it cannot be sent again.")
            )
        if not email.can_become(OutboundEmail.Status.PENDING):
            raise NotResendableError(
                gettext("Only failed emails can be sent again; this one is still waiting.")
            )
        email.status = OutboundEmail.Status.PENDING
        email.attempts = 0
        email.failed_at = None
        email.enqueued_at = None
        email.save(update_fields=["status", "attempts", "failed_at", "enqueued_at"])
        transaction.on_commit(partial(enqueue, [email.pk]))
    return email


def send_test_email(*, to: str, by: Any) -> OutboundEmail:
    """Queue the SMTP test email to an address, on behalf of a staff member."""
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise OutboxError(gettext("“%(to)s” is not a valid email address.") % {"to": to}) from None
    recipient = Recipient(
        email=to,
        name=getattr(by, "notification_name", "") or "",
        language=getattr(by, "language", "") or "",
        side="office",
    )
    (email,) = notify(
        "smtp_test",
        recipients=[recipient],
        details=[
            (_("Requested by"), getattr(by, "email", "") or str(by)),
            (_("Site"), settings.SITE_URL),
            (_("Requested at"), timezone.now()),
        ],
        links={"office": reverse("notifications:outbox-list")},
    )
    return email


def default_reply_to() -> str:
    """Return the configured Reply-To for emails without a responsible staff member."""
    path = settings.NOTIFICATIONS.get("DEFAULT_REPLY_TO")
    return str(import_string(path)() or "") if path else ""


def sender_address(name: str) -> str:
    """Format the From header: the catalogue's sender name on the site's address."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address))


def _language_for(recipient: Recipient) -> str:
    return recipient.language or settings.LANGUAGE_CODE


def _fill(text: Any, context: Mapping[str, Any], key: str) -> str:
    try:
        return str(text).format_map(context)
    except KeyError as missing:
        raise ValueError(f"Email {key!r} needs {missing.args[0]!r} in its context.") from None


def _button_urls(links: Mapping[str, str]) -> dict[str, str]:
    unknown = set(links) - set(SIDES)
    if unknown:
        raise ValueError(f"Links are keyed by side {SIDES}, not {sorted(unknown)}.")
    return {side: absolute_url(path) for side, path in links.items() if path}


def _unaddressed_failure() -> dict[str, Any]:
    return {
        "status": OutboundEmail.Status.FAILED,
        "failed_at": timezone.now(),
        "last_error": NO_RECIPIENT_ERROR,
    }


def _unique_recipients(recipients: Iterable[Any]) -> list[Recipient]:
    people, seen = [], set()
    for item in recipients:
        person = item if isinstance(item, Recipient) else Recipient.from_user(item)
        person = replace(person, email=person.email.strip())
        if person.email and person.email.lower() not in seen:
            seen.add(person.email.lower())
            people.append(person)
    return people


def _as_attachment(item: Attachment | tuple[str, bytes, str]) -> Attachment:
    if isinstance(item, Attachment):
        return item
    filename, content, mimetype = item
    return Attachment(filename=filename, content=bytes(content), mimetype=mimetype)
