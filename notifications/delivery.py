"""Sending what the outbox holds: claim, try, record; and the sweep that re-queues.

``enqueue`` marks stored rows queued and queues a drain task; a drain reserves a batch of
pending rows (``SELECT … FOR UPDATE SKIP LOCKED``), writes each attempt before calling the mail
server, so two workers never both send a row, and records the outcome afterwards; no
transaction or lock is held while the server is called. ``deliver`` does the same for one row.
The sweep re-queues rows whose task never ran (the broker was down, a worker died).
"""

import logging
import smtplib
import uuid
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from . import drain_sql, mailer
from .errors import LinkWithdrawnError, TransientDeliveryError
from .links import get_link_kind
from .models import DeliveryAttempt, OutboundEmail

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
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
    return absolute_url(url)


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
        enqueue(email_ids, force=True)
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


def drain(slot: int = 0) -> int:
    """Send what is queued (the drain task); a commit from now on may queue another drain."""
    cache.delete(DRAIN_QUEUED_KEY.format(slot=slot))
    return deliver_pending()


def enqueue(email_ids: list[int], *, force: bool = False) -> None:
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


def absolute_url(path: str) -> str:
    path = str(path)
    if path.startswith(("https://", "http://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
