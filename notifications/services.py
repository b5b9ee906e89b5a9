"""The outbox: write emails with the change that causes them, send them after commit.

``notify`` renders and stores one row per recipient inside the caller's transaction; once that
transaction commits, a Celery task calls ``deliver`` for each row. ``deliver`` claims a pending
row and writes its attempt before calling the mail server, so two workers never both send it,
and records the outcome afterwards; no transaction or lock is held while the server is called.
The sweep re-queues rows whose task never ran (the broker was down, a worker died).

A link that signs someone in is never rendered into a stored row: ``notify(secret_link=…)``
stores a note in its place and ``deliver`` mints the real link into the outgoing message only
(see ``links.py``).
"""

import logging
import smtplib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from email.utils import formataddr, parseaddr
from functools import partial
from typing import Any, NamedTuple

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import drain_sql, mailer
from .catalogue import EmailType, get_email_type
from .links import SecretLink, get_link_kind
from .models import DeliveryAttempt, OutboundAttachment, OutboundEmail

logger = logging.getLogger(__name__)

SIDES = ("office", "portal")
MAX_ERROR_LENGTH = 2000
MAX_SUBJECT_LENGTH = 300
# Kept on a row that had nobody to go to; such a row is failed from the start, never sent.
NO_RECIPIENT_ERROR = "No recipient: nobody with an email address was given for this email."
# After this many attempts whose outcome is unknown the email is failed, not tried again.
MAX_UNKNOWN_OUTCOMES = 2
# Emails a worker takes at once; a worker that stops loses at most this many to the sweep.
BATCH_SIZE = 20
# One key per drain that may wait in the queue, so a burst of commits queues a few drains (as
# many as the email worker runs at once, NOTIFICATIONS["DRAINS"]), not one task per email.
DRAIN_QUEUED_KEY = "notifications:drain-queued:{slot}"
DRAIN_QUEUED_TIMEOUT = 120


class OutboxError(Exception):
    """An outbox operation that cannot be done; its message is fit to show to staff."""


class TransientDeliveryError(OutboxError):
    """Sending failed in a way that may work later (connection lost, 4xx reply)."""

    def __init__(self, message: str, *, countdown: int = 0):
        super().__init__(message)
        self.countdown = countdown


class NotResendableError(OutboxError):
    """Only a failed email can be queued again."""


class AlreadySentError(NotResendableError):
    """The email was sent; sending it again would duplicate it."""


class LinkWithdrawnError(OutboxError):
    """The sign-in link an email carries may no longer be given (used, withdrawn or replaced)."""


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
            transaction.on_commit(partial(_enqueue, [email.pk for email in emails]))
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


def deliver(*, email_id: int) -> OutboundEmail | None:
    """Send one pending outbound email now; a sent, failed or claimed one is left alone.

    Raises ``TransientDeliveryError`` (with the delay to wait) when it should be tried again.
    """
    now = timezone.now()
    # An email whose last outcome is unknown waits out its delay, whoever asks for it.
    due = Q(outcome_unknown=False) | _due(now)
    batch = _reserve(Q(pk=email_id) & due, limit=1)
    if not batch:
        return OutboundEmail.objects.filter(pk=email_id).first()
    email, _accepted = _attempt(batch[0])
    if email.status == OutboundEmail.Status.PENDING and not email.outcome_unknown:
        raise TransientDeliveryError(email.last_error, countdown=retry_delay(email.attempts))
    return email


def deliver_pending(*, batch_size: int = BATCH_SIZE) -> int:
    """Send every queued, due email, a batch at a time on one connection; return how many.

    An email that fails for now gets its own retry task after its backoff.
    """
    from .tasks import send_outbound_email  # the tasks module imports this one

    count = 0
    now = timezone.now()
    while batch := _reserve(Q(enqueued_at__isnull=False) & _due(now), limit=batch_size):
        accepted = None  # taken by the server; written with the next attempt's statement
        try:
            for email in batch:
                email, accepted = _attempt(email, accepted=accepted, batched=True)
                count += 1
                if email.status == OutboundEmail.Status.PENDING and not email.outcome_unknown:
                    _queue_retry(send_outbound_email, email)
        finally:
            if accepted is not None:
                _write_accepted(accepted)
        now = timezone.now()
    return count


def _queue_retry(task, email: OutboundEmail) -> None:
    try:
        task.apply_async(args=[email.pk], countdown=retry_delay(email.attempts))
    except Exception:  # the broker is down: the row waits, due, for the sweep
        logger.exception("Could not queue the retry of outbound email %s.", email.pk)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the given number of failed attempts: doubling, capped."""
    config = settings.NOTIFICATIONS
    base, cap = config["RETRY_BACKOFF_SECONDS"], config["RETRY_BACKOFF_MAX_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), cap)


def _due(now: Any) -> Q:
    return Q(not_before__isnull=True) | Q(not_before__lte=now)


def _reserve(condition: Q, *, limit: int) -> list[OutboundEmail]:
    """Mark up to ``limit`` pending emails as this worker's to send; rows others hold are
    skipped, never waited for."""
    now, token = timezone.now(), uuid.uuid4()
    with transaction.atomic():
        email_ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(condition, status=OutboundEmail.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not email_ids:
            return []
        OutboundEmail.objects.filter(pk__in=email_ids).update(
            status=OutboundEmail.Status.SENDING, claim=token, claimed_at=now
        )
    return list(
        OutboundEmail.objects.filter(pk__in=email_ids, claim=token)
        .prefetch_related("attachments")
        .order_by("pk")
    )


def _attempt(
    email: OutboundEmail, *, accepted: OutboundEmail | None = None, batched: bool = False
) -> tuple[OutboundEmail, OutboundEmail | None]:
    """Try a reserved email once: record the try, call the server with nothing locked, record
    how it ended. Returns the email and, in a batch, the email the server accepted whose row is
    still to be written (with the next statement, see drain_sql.py)."""
    now = timezone.now()
    one_statement = batched and drain_sql.usable()
    if one_statement:
        attempts = drain_sql.record_sent_and_start(sent=accepted, start=email, now=now)
    else:
        if accepted is not None:
            _write_accepted(accepted)
        started = OutboundEmail.objects.filter(
            pk=email.pk, claim=email.claim, status=OutboundEmail.Status.SENDING
        ).update(attempts=F("attempts") + 1, last_attempt_at=now)
        attempts = email.attempts + 1 if started else None
    if attempts is None:  # the sweep gave the row back while this worker was busy with others
        email.refresh_from_db()
        return email, None
    email.attempts, email.last_attempt_at = attempts, now
    if not email.to_email.strip():
        # Nothing to hand to SMTP: fail it for staff to see rather than "send" it to nobody.
        logger.warning("Outbound email %s has no recipient; marked failed.", email.pk)
        return _record(email, DeliveryAttempt.Outcome.FAILED, NO_RECIPIENT_ERROR), None
    try:
        message = build_message(email, secret_url=_mint_secret_link(email))
        if not mailer.send(message):
            raise smtplib.SMTPException("The email backend accepted no recipient.")
    except mailer.OutcomeUnknown as error:
        logger.warning("Outbound email %s: outcome unknown: %s", email.pk, error)
        return _record(email, DeliveryAttempt.Outcome.UNKNOWN, _describe(error)), None
    except Exception as error:
        if not is_transient(error):
            logger.error("Outbound email %s failed: %s", email.pk, _describe(error))
            return _record(email, DeliveryAttempt.Outcome.FAILED, _describe(error)), None
        logger.warning("Outbound email %s: temporary failure: %s", email.pk, _describe(error))
        return _record(email, DeliveryAttempt.Outcome.RETRY, _describe(error)), None
    if one_statement:
        return email, email
    return _record(email, DeliveryAttempt.Outcome.SENT), None


def _write_accepted(email: OutboundEmail) -> None:
    """Write an accepted email's row and attempt (the end of a batch, or the ORM path)."""
    if drain_sql.usable():
        drain_sql.record_sent_and_start(sent=email, start=None, now=timezone.now())
    else:
        _record(email, DeliveryAttempt.Outcome.SENT)


def _record(email: OutboundEmail, outcome: str, error: str = "") -> OutboundEmail:
    """Write how the email's latest attempt ended, and what the email becomes."""
    now = timezone.now()
    changes: dict[str, Any] = {"claim": None, "not_before": None}
    if error:
        changes["last_error"] = error[:MAX_ERROR_LENGTH]
    if outcome == DeliveryAttempt.Outcome.SENT:
        changes.update(status=OutboundEmail.Status.SENT, sent_at=now)
    elif outcome == DeliveryAttempt.Outcome.FAILED:
        changes.update(status=OutboundEmail.Status.FAILED, failed_at=now)
    elif outcome == DeliveryAttempt.Outcome.RETRY:
        changes.update(_temporary_failure(email, now))
    else:
        changes.update(_unknown_outcome(email, now))
    # Only the holder of the claim moves the row on; an acceptance always counts, even if the
    # sweep has meanwhile given up waiting for this worker.
    ours = Q(claim=email.claim, status=OutboundEmail.Status.SENDING)
    if outcome == DeliveryAttempt.Outcome.SENT:
        ours |= Q(status=OutboundEmail.Status.PENDING)
    if OutboundEmail.objects.filter(ours, pk=email.pk).update(**changes):
        for field, value in changes.items():
            setattr(email, field, value)
    else:
        email.refresh_from_db()
    DeliveryAttempt.objects.create(
        email=email,
        outcome=outcome,
        error=error[:MAX_ERROR_LENGTH],
        started_at=email.last_attempt_at or now,
        finished_at=now,
    )
    return email


def _temporary_failure(email: OutboundEmail, now: Any) -> dict[str, Any]:
    """Changes for an email the server could not take for now: wait, or give up."""
    if email.attempts > settings.NOTIFICATIONS["MAX_RETRIES"]:
        return {"status": OutboundEmail.Status.FAILED, "failed_at": now}
    delay = timedelta(seconds=retry_delay(email.attempts))
    return {"status": OutboundEmail.Status.PENDING, "not_before": now + delay}


def _unknown_outcome(email: OutboundEmail, now: Any) -> dict[str, Any]:
    """Changes for an email whose server may or may not have taken the message."""
    unknown = DeliveryAttempt.objects.filter(
        email=email, outcome=DeliveryAttempt.Outcome.UNKNOWN
    ).count()
    if unknown + 1 >= MAX_UNKNOWN_OUTCOMES:
        # Sending yet again could make a third copy; a person decides (Resend in the Outbox).
        return {"status": OutboundEmail.Status.FAILED, "failed_at": now, "outcome_unknown": True}
    delay = settings.NOTIFICATIONS.get("UNKNOWN_RETRY_AFTER_SECONDS", 3600)
    return {
        "status": OutboundEmail.Status.PENDING,
        "outcome_unknown": True,
        "not_before": now + timedelta(seconds=delay),
    }


def build_message(email: OutboundEmail, *, secret_url: str = "") -> EmailMultiAlternatives:
    """Build the multipart message for a stored outbound email, with its secret link if given."""
    body_text, body_html = email.body_text, email.body_html
    if email.secret_link_kind and secret_url:
        note = get_link_kind(email.secret_link_kind).note
        body_text = body_text.replace(note, secret_url)
        body_html = body_html.replace(escape(note), escape(secret_url))
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=body_text,
        from_email=email.from_email,
        to=[email.to_email],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={
            "Message-ID": message_id(email),
            "X-Lumytic-Outbox-Id": str(email.pk),
            "X-Lumytic-Event": email.event,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(body_html, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _mint_secret_link(email: OutboundEmail) -> str:
    """Mint the sign-in link of an email being sent; it lives only in the outgoing message."""
    if not email.secret_link_kind:
        return ""
    kind = get_link_kind(email.secret_link_kind)
    url = kind.issue(email.secret_link_ref, email_id=email.pk)
    if not url:
        raise LinkWithdrawnError(
            gettext(
                "The link this email carries was used, withdrawn or replaced by a newer email "
                "before it could be sent; nothing was sent."
            )
        )
    return _absolute_url(url)


def message_id(email: OutboundEmail) -> str:
    """Return a Message-ID that stays the same across attempts, so receivers can de-duplicate."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "lumytic.local"
    return f"<outbox.{email.pk}.{int(email.created_at.timestamp())}@{domain}>"


def is_transient(error: BaseException) -> bool:
    """Tell whether a sending error may go away on a later attempt."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Greylisting answers 4xx for every recipient; a 5xx for anyone is final.
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):
        return False
    # SMTPException is an OSError too, so network errors are only checked after it.
    return isinstance(error, OSError)


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
        transaction.on_commit(partial(_enqueue, [email.pk]))
    return email


def sweep_outbox(*, older_than: timedelta | None = None) -> int:
    """Queue again the pending emails that are overdue; return how many.

    A pending email is overdue once it has waited ``older_than`` (a minute by default) past the
    latest of its creation, its queueing, its last attempt and its planned retry: its task never
    reached a worker, or the worker died. An email left "sending" by a worker that stopped is
    first marked as having an unknown outcome; such an email is queued once its longer delay is
    over.
    """
    config = settings.NOTIFICATIONS
    if older_than is None:
        older_than = timedelta(seconds=config.get("SWEEP_AFTER_SECONDS", 60))
    now = timezone.now()
    _give_up_on_stalled_attempts(now)
    # No task waits for an email with an unknown outcome: the sweep sends it once it is due.
    unknown_due = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, outcome_unknown=True, not_before__lte=now
    )
    email_ids = list(
        (overdue_emails(older_than, now=now) | unknown_due)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if email_ids:
        logger.info("Outbox sweep re-queues %s email(s).", len(email_ids))
        _enqueue(email_ids, force=True)
    return len(email_ids)


def overdue_emails(older_than: timedelta, *, now: Any = None):
    """Pending emails nothing has happened to for ``older_than``: not written, queued, tried or
    due for a retry in that time. An email whose outcome is unknown waits for its own delay."""
    now = now or timezone.now()
    created = F("created_at")
    last_moved = Greatest(
        Coalesce("not_before", created),
        Coalesce("enqueued_at", created),
        Coalesce("last_attempt_at", created),
    )
    return (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, outcome_unknown=False)
        .alias(last_moved=last_moved)
        .filter(last_moved__lt=now - older_than)
    )


def _give_up_on_stalled_attempts(now: Any) -> None:
    """Deal with the rows of workers that stopped: a row whose attempt had started gets an
    unknown outcome; a row reserved but never tried goes back to pending as it was."""
    stale = now - timedelta(seconds=settings.NOTIFICATIONS.get("SENDING_STALE_AFTER_SECONDS", 300))
    sending = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING)
    tried = Q(last_attempt_at__gte=F("claimed_at"))
    for email in sending.filter(tried, last_attempt_at__lt=stale):
        logger.warning("Outbound email %s: its worker stopped while sending.", email.pk)
        _record(
            email,
            DeliveryAttempt.Outcome.UNKNOWN,
            "The worker stopped while sending; the mail server may have the message.",
        )
    # Safe to hand on soon: the claim token stops the first worker if it gets to them after all.
    untried_since = now - timedelta(seconds=settings.NOTIFICATIONS.get("SWEEP_AFTER_SECONDS", 60))
    untried = sending.exclude(tried).filter(claimed_at__lt=untried_since)
    untried.update(status=OutboundEmail.Status.PENDING, claim=None)


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


def drain(slot: int = 0) -> int:
    """Send what is queued (the drain task); a commit from now on may queue another drain."""
    cache.delete(DRAIN_QUEUED_KEY.format(slot=slot))
    return deliver_pending()


def _enqueue(email_ids: list[int], *, force: bool = False) -> None:
    """Mark the emails queued and make sure workers drain the queue.

    A burst of commits queues at most one drain per free slot; the drains share the work, each
    reserving its own rows (the sweep queues one regardless). If the broker refuses, the emails
    are left for the sweep.
    """
    from .tasks import drain_outbox  # the tasks module imports this one

    pending = OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
    pending.update(enqueued_at=timezone.now())
    slot = 0 if force or current_app.conf.task_always_eager else _free_slot()
    if slot is None:
        return  # enough drains are already waiting; they will take these too
    try:
        drain_outbox.delay(slot)
    except Exception:
        logger.exception("Could not queue %s outbound email(s); the sweep will.", len(email_ids))
        pending.update(enqueued_at=None)
        cache.delete(DRAIN_QUEUED_KEY.format(slot=slot))


def _free_slot() -> int | None:
    # The cache answers True when it is unreachable, so an outage queues too many, not none.
    for slot in range(settings.NOTIFICATIONS.get("DRAINS", 2)):
        if cache.add(DRAIN_QUEUED_KEY.format(slot=slot), True, timeout=DRAIN_QUEUED_TIMEOUT):
            return slot
    return None


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
    return {side: _absolute_url(path) for side, path in links.items() if path}


def _absolute_url(path: str) -> str:
    path = str(path)
    if path.startswith(("https://", "http://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


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


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
