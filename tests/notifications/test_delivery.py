"""How one email is handed to the mail server: claimed and recorded first, sent with nothing
locked, the outcome written after; one kept SMTP connection; an unanswered end of DATA is an
unknown outcome that is retried once, late, under the same Message-ID."""

import asyncio
import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends import locmem
from django.db import connection
from django.utils import timezone

from notifications import mailer
from notifications.delivery import deliver, sweep_outbox
from notifications.models import DeliveryAttempt, OutboundEmail
from notifications.services import Recipient
from notifications.tasks import send_outbound_email
from tests.factories import OutboundEmailFactory
from tests.helpers import start_smtp_server

pytestmark = pytest.mark.django_db


class ScriptedHandler:
    """Accepts messages; can answer the end of DATA late. Records each message's connection."""

    def __init__(self):
        self.delay = 0.0
        self.messages: list[tuple[tuple, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append((session.peer, envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        ids = []
        for _peer, content in self.messages:
            for line in content.split(b"\r\n"):
                if line.lower().startswith(b"message-id:"):
                    ids.append(line.split(b":", 1)[1].strip().decode())
        return ids


@pytest.fixture
def smtp_server(settings):
    handler = ScriptedHandler()
    controller = start_smtp_server(handler)
    port = controller.port
    settings.EMAIL_BACKEND = "notifications.mailer.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    yield handler
    mailer.close()
    controller.stop()


def _attempts(email: OutboundEmail) -> list[str]:
    return list(email.delivery_attempts.order_by("pk").values_list("outcome", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_attempt_is_written_before_the_server_is_called_and_nothing_is_locked(
    monkeypatch, mailoutbox
):
    # Written directly: here a notify() would commit and send it at once.
    email = OutboundEmailFactory()
    seen = {}

    def send_messages(self, messages):
        # What another connection sees while the mail server is being talked to.
        seen["in_transaction"] = connection.in_atomic_block
        row = OutboundEmail.objects.get(pk=email.pk)
        seen["status"] = row.status
        seen["attempts"] = row.attempts
        seen["tried"] = row.last_attempt_at is not None
        with connection.cursor() as cursor:  # a second worker would not wait for a lock
            cursor.execute(
                "SELECT id FROM notifications_outboundemail WHERE id = %s FOR UPDATE NOWAIT",
                [email.pk],
            )
        return len(messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)

    deliver(email_id=email.pk)

    assert seen == {"in_transaction": False, "status": "sending", "attempts": 1, "tried": True}
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert _attempts(email) == ["sent"]


def test_a_claimed_email_is_not_sent_by_a_second_worker(queue_email, mailoutbox):
    [email] = queue_email()
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENDING)

    deliver(email_id=email.pk)
    send_outbound_email.apply(args=[email.pk])

    assert mailoutbox == []
    assert _attempts(email) == []


def test_attempts_are_listed_with_their_outcome(queue_email, smtp_failures, mailoutbox):
    smtp_failures(smtplib.SMTPDataError(421, b"try later"))
    [email] = queue_email()

    send_outbound_email.apply(args=[email.pk])

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert _attempts(email) == ["retry", "sent"]
    first = email.delivery_attempts.earliest("pk")
    assert "try later" in first.error
    assert first.finished_at is not None


def test_one_smtp_connection_carries_many_emails(smtp_server, queue_email):
    emails = [
        queue_email(recipients=[Recipient(email=f"buyer{n}@agent.example")])[0] for n in range(5)
    ]
    for email in emails:
        deliver(email_id=email.pk)

    assert len(smtp_server.messages) == 5
    assert len({peer for peer, _content in smtp_server.messages}) == 1
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_connection_the_server_dropped_while_idle_is_opened_again(smtp_server, queue_email):
    [first] = queue_email(recipients=[Recipient(email="first@agent.example")])
    [second] = queue_email(recipients=[Recipient(email="second@agent.example")])
    deliver(email_id=first.pk)
    mailer._local.backend.connection.sock.close()  # as a server timing out an idle client

    deliver(email_id=second.pk)

    second.refresh_from_db()
    assert second.status == OutboundEmail.Status.SENT
    assert _attempts(second) == ["sent"]
    assert len(smtp_server.messages) == 2


def test_a_late_answer_to_the_end_of_data_is_an_unknown_outcome_retried_once_later(
    settings, smtp_server, queue_email, staff_client
):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "UNKNOWN_RETRY_AFTER_SECONDS": 3600}
    smtp_server.delay = 2  # longer than EMAIL_TIMEOUT (1 s)
    [email] = queue_email()

    send_outbound_email.apply(args=[email.pk])

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.outcome_unknown
    assert _attempts(email) == ["unknown"]
    assert email.not_before > timezone.now() + timedelta(minutes=59)
    page = staff_client.get(email.get_absolute_url()).content.decode()
    assert "Outcome unknown" in page
    assert "may already have been delivered" in page
    assert 'data-attempt-outcome="unknown"' in page

    # Not retried blindly: neither a repeated task nor the sweep sends it before the delay.
    smtp_server.delay = 0
    send_outbound_email.apply(args=[email.pk])
    assert sweep_outbox() == 0
    assert _attempts(email) == ["unknown"]

    OutboundEmail.objects.filter(pk=email.pk).update(
        not_before=timezone.now() - timedelta(minutes=5)
    )
    assert sweep_outbox() == 1

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert _attempts(email) == ["unknown", "sent"]
    # The server got it twice at most, and both copies can be told apart as one email.
    ids = smtp_server.message_ids()
    assert len(ids) <= 2 and len(set(ids)) == 1
    page = staff_client.get(email.get_absolute_url()).content.decode()
    assert "may have received this email twice" in page


def test_a_second_unknown_outcome_fails_the_email_for_a_person_to_decide(
    settings, smtp_server, queue_email
):
    smtp_server.delay = 2
    [email] = queue_email()
    deliver(email_id=email.pk)
    OutboundEmail.objects.filter(pk=email.pk).update(not_before=timezone.now())

    deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.outcome_unknown
    assert _attempts(email) == ["unknown", "unknown"]


def test_the_sweep_marks_an_attempt_whose_worker_stopped_as_unknown(queue_email, mailoutbox):
    [email] = queue_email()
    long_ago = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING,
        claimed_at=long_ago,
        attempts=1,
        last_attempt_at=long_ago,
    )

    assert sweep_outbox() == 0  # not sent again straight away

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.outcome_unknown
    assert _attempts(email) == ["unknown"]
    assert "worker stopped" in email.last_error
    assert mailoutbox == []


def test_a_row_reserved_by_a_worker_that_stopped_before_trying_it_is_sent_as_usual(
    queue_email, mailoutbox
):
    [email] = queue_email()
    long_ago = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING,
        claimed_at=long_ago,
        created_at=long_ago,
        enqueued_at=long_ago,
    )

    assert sweep_outbox() == 1

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert not email.outcome_unknown
    assert _attempts(email) == ["sent"]
    assert len(mailoutbox) == 1


def test_a_burst_of_emails_goes_out_in_batches_on_one_connection(
    smtp_server, queue_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(45):  # more than two batches
            queue_email(recipients=[Recipient(email=f"buyer{n}@agent.example")])

    assert OutboundEmail.objects.filter(status="sent").count() == 45
    assert len(smtp_server.messages) == 45
    assert len({peer for peer, _content in smtp_server.messages}) == 1
    assert DeliveryAttempt.objects.filter(outcome="sent").count() == 45


def test_a_row_that_should_have_gone_a_minute_ago_is_swept(settings, queue_email, mailoutbox):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SWEEP_AFTER_SECONDS": 60}
    [late] = queue_email(recipients=[Recipient(email="late@agent.example")])
    [fresh] = queue_email(recipients=[Recipient(email="fresh@agent.example")])
    OutboundEmail.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - timedelta(seconds=90),
        enqueued_at=timezone.now() - timedelta(seconds=75),
    )
    OutboundEmail.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - timedelta(seconds=90),
        enqueued_at=timezone.now() - timedelta(seconds=20),
    )

    assert sweep_outbox() == 1  # the late one; the drain it queues takes the fresh one along
    assert sorted(message.to[0] for message in mailoutbox) == [
        "fresh@agent.example",
        "late@agent.example",
    ]


def test_a_retry_waiting_for_its_backoff_is_not_swept_early(queue_email, mailoutbox):
    [email] = queue_email()
    long_ago = timezone.now() - timedelta(hours=1)
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=long_ago,
        enqueued_at=long_ago,
        last_attempt_at=long_ago,
        not_before=timezone.now() + timedelta(minutes=5),
    )
    assert sweep_outbox(older_than=timedelta(minutes=1)) == 0
    assert mailoutbox == []
