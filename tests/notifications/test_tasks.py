import smtplib

import pytest

from notifications.models import OutboundEmail
from notifications.tasks import send_outbound_email

pytestmark = pytest.mark.django_db


def test_transient_smtp_error_is_retried_then_sent(send_email, smtp_failures, mailoutbox):
    calls = smtp_failures(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))

    [email] = send_email()

    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert len(calls) == 2
    assert len(mailoutbox) == 1
    assert "SMTPServerDisconnected" in email.last_error  # the failed attempt stays visible


def test_retries_wait_longer_each_time_up_to_the_cap(queue_email, smtp_failures, monkeypatch):
    countdowns = []
    original_retry = send_outbound_email.retry

    def spy_retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return original_retry(*args, **kwargs)

    monkeypatch.setattr(send_outbound_email, "retry", spy_retry)
    smtp_failures(*[smtplib.SMTPDataError(421, b"try later") for _ in range(3)])
    [email] = queue_email()

    send_outbound_email.apply(args=[email.pk])

    # Settings in conftest: 30 s doubling, capped at 100 s.
    assert countdowns == [30, 60, 100]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_permanent_smtp_error_fails_without_retrying(send_email, smtp_failures, mailoutbox):
    calls = smtp_failures(
        smtplib.SMTPRecipientsRefused({"buyer@agent.example": (550, b"5.1.1 no such user")})
    )

    [email] = send_email()

    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert len(calls) == 1
    assert "no such user" in email.last_error
    assert mailoutbox == []


def test_exhausted_retries_mark_the_email_failed(settings, send_email, smtp_failures, mailoutbox):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_RETRIES": 2}
    calls = smtp_failures(*[smtplib.SMTPServerDisconnected("down") for _ in range(10)])

    [email] = send_email()

    assert email.status == OutboundEmail.Status.FAILED
    assert email.failed_at is not None
    assert email.attempts == 3  # the first try and two retries
    assert len(calls) == 3
    assert "down" in email.last_error
    assert mailoutbox == []


def test_task_for_a_sent_email_sends_nothing(send_email, mailoutbox):
    [email] = send_email()
    send_outbound_email.apply(args=[email.pk])
    assert len(mailoutbox) == 1
