"""Sending the outbox: delivery errors (transient or not), requeue and the sweep, the test email,
and Django's SMTP backend."""

import smtplib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.delivery import deliver, is_transient, sweep_outbox
from notifications.errors import AlreadySentError, NotResendableError, OutboxError
from notifications.models import OutboundEmail
from notifications.services import Recipient, requeue_email, send_test_email
from tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db


# --- Delivery errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPDataError(421, b"try later"), True),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (450, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"no such user")}), False),
        (smtplib.SMTPSenderRefused(553, b"not yours", "no-reply@x.test"), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), False),
        (ValueError("bad header"), False),
    ],
)
def test_errors_are_sorted_into_transient_and_permanent(error, transient):
    assert is_transient(error) is transient


def test_a_permanent_error_marks_the_row_failed(queue_email, smtp_failures, mailoutbox):
    calls = smtp_failures(smtplib.SMTPRecipientsRefused({"buyer@agent.example": (550, b"no")}))
    [email] = queue_email()

    deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.failed_at is not None
    assert email.attempts == 1
    assert "SMTPRecipientsRefused" in email.last_error
    assert len(calls) == 1
    assert mailoutbox == []


def test_a_transient_error_is_recorded_and_raised(queue_email, smtp_failures):
    from notifications.errors import TransientDeliveryError

    smtp_failures(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    [email] = queue_email()

    with pytest.raises(TransientDeliveryError, match="SMTPServerDisconnected"):
        deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert email.last_attempt_at is not None
    assert "Connection unexpectedly closed" in email.last_error


@pytest.mark.django_db(transaction=True)
def test_a_transient_attempt_is_committed_even_though_deliver_raises(smtp_failures):
    """With no outer transaction, the attempt count survives the raised error."""
    from notifications.errors import TransientDeliveryError

    email = OutboundEmailFactory()
    smtp_failures(smtplib.SMTPServerDisconnected("gone"))

    with pytest.raises(TransientDeliveryError):
        deliver(email_id=email.pk)

    assert not transaction.get_connection().in_atomic_block
    email.refresh_from_db()
    assert email.attempts == 1
    assert email.last_attempt_at is not None
    assert "gone" in email.last_error


# --- Requeue and sweep ----------------------------------------------------------------------------


def test_requeue_sends_a_failed_email_again(
    queue_email, smtp_failures, mailoutbox, django_capture_on_commit_callbacks
):
    smtp_failures(smtplib.SMTPRecipientsRefused({"buyer@agent.example": (550, b"no")}))
    [email] = queue_email(attachments=[("memo.pdf", b"%PDF memo", "application/pdf")])
    deliver(email_id=email.pk)

    with django_capture_on_commit_callbacks(execute=True):
        requeue_email(email=email)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.failed_at is None
    assert mailoutbox[0].attachments == [("memo.pdf", b"%PDF memo", "application/pdf")]


def test_requeue_refuses_a_sent_email(send_email, mailoutbox):
    [email] = send_email()
    with pytest.raises(AlreadySentError, match="already sent"):
        requeue_email(email=email)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_requeue_refuses_a_pending_email(queue_email):
    [email] = queue_email()
    with pytest.raises(NotResendableError):
        requeue_email(email=email)


def _age(email: OutboundEmail, **fields) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(**fields)


def test_sweep_requeues_a_row_no_worker_picked_up(queue_email, mailoutbox):
    long_ago = timezone.now() - timedelta(hours=1)
    [never_enqueued] = queue_email(recipients=[Recipient(email="lost@agent.example")])
    _age(never_enqueued, created_at=long_ago)
    [stalled] = queue_email(recipients=[Recipient(email="stalled@agent.example")])
    _age(stalled, created_at=long_ago, enqueued_at=long_ago, last_attempt_at=long_ago)

    assert sweep_outbox() == 2

    assert sorted(message.to[0] for message in mailoutbox) == [
        "lost@agent.example",
        "stalled@agent.example",
    ]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_sweep_leaves_recent_sent_and_failed_rows_alone(queue_email, send_email, mailoutbox):
    long_ago = timezone.now() - timedelta(hours=1)
    queue_email(recipients=[Recipient(email="just-written@agent.example")])
    [recently_enqueued] = queue_email(recipients=[Recipient(email="queued@agent.example")])
    _age(recently_enqueued, created_at=long_ago, enqueued_at=timezone.now())
    [retrying] = queue_email(recipients=[Recipient(email="retrying@agent.example")])
    _age(retrying, created_at=long_ago, enqueued_at=long_ago, last_attempt_at=timezone.now())
    [sent] = send_email(recipients=[Recipient(email="sent@agent.example")])
    _age(sent, created_at=long_ago, enqueued_at=long_ago)
    [failed] = queue_email(recipients=[Recipient(email="failed@agent.example")])
    _age(failed, status="failed", created_at=long_ago, enqueued_at=long_ago)
    mailoutbox.clear()

    assert sweep_outbox() == 0
    assert mailoutbox == []


def test_sweep_threshold_can_be_given(queue_email, mailoutbox):
    [email] = queue_email()
    _age(
        email,
        created_at=timezone.now() - timedelta(minutes=3),
        enqueued_at=timezone.now() - timedelta(minutes=2),
    )
    assert sweep_outbox() == 0
    assert sweep_outbox(older_than=timedelta(minutes=1)) == 1
    assert len(mailoutbox) == 1


def test_sweep_task_returns_the_count(queue_email):
    from notifications.tasks import sweep_outbox as sweep_task

    [email] = queue_email()
    _age(email, created_at=timezone.now() - timedelta(hours=1))
    assert sweep_task.apply().get() == 1


# --- Test email -----------------------------------------------------------------------------------


def test_send_test_email_goes_to_the_given_address(
    staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send_test_email(to=staff_user.email, by=staff_user)

    email.refresh_from_db()
    assert email.event == "smtp_test"
    assert email.status == OutboundEmail.Status.SENT
    [message] = mailoutbox
    assert message.to == ["lina@lumytic.test"]
    assert message.subject == "Lumytic test email"
    assert "https://lumytic.test/office/outbox/" in message.body


def test_send_test_email_refuses_an_invalid_address(staff_user):
    with pytest.raises(OutboxError, match="not a valid email address"):
        send_test_email(to="not-an-address", by=staff_user)
    assert not OutboundEmail.objects.exists()


# --- Django's SMTP backend --------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP under Django's real SMTP backend."""

    sent: list = []
    refuse_with: Exception | None = None

    def __init__(self, host, port, **kwargs):
        self.host, self.port = host, port

    def ehlo_or_helo_if_needed(self):
        pass

    def sendmail(self, from_addr, to_addrs, msg, **kwargs):
        if FakeSMTP.refuse_with is not None:
            raise FakeSMTP.refuse_with
        FakeSMTP.sent.append((from_addr, to_addrs, msg))
        return {}

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def fake_smtp(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.lumytic.test", 2525
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "refuse_with", None)
    return FakeSMTP


def test_deliver_sends_through_djangos_smtp_backend(fake_smtp, send_email):
    [email] = send_email("smtp_test", context={})

    assert email.status == OutboundEmail.Status.SENT
    [(from_addr, to_addrs, raw)] = fake_smtp.sent
    assert from_addr.endswith("<no-reply@lumytic.test>")
    assert to_addrs == ["buyer@agent.example"]
    assert b"From: LUMYTIC | Sales <no-reply@lumytic.test>" in raw
    assert b"Content-Type: text/html" in raw


def test_smtp_backend_refusal_marks_the_email_failed(fake_smtp, send_email):
    fake_smtp.refuse_with = smtplib.SMTPRecipientsRefused(
        {"buyer@agent.example": (550, b"5.1.1 mailbox unavailable")}
    )
    [email] = send_email("smtp_test", context={})

    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert "mailbox unavailable" in email.last_error
