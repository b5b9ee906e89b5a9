"""A real Celery worker, fed through Redis, delivers an outbox email to a real SMTP server."""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from lumytic.celery import app as celery_app
from notifications.models import OutboundEmail
from notifications.services import Recipient, notify
from tests.conftest import require
from tests.helpers import celery_worker_command, database_url, start_smtp_server

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


class RecordingHandler:
    """Accepts every message; answers 421 (try later) to the first `refuse` deliveries."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "421 Service not available, try again later"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    controller = start_smtp_server(handler)
    yield controller, handler
    controller.stop()


@pytest.fixture
def worker(smtp_server):
    require(connection.vendor == "postgresql", "PostgreSQL")
    require(bool(settings.CELERY_BROKER_URL), "Redis (REDIS_URL)")
    controller, _handler = smtp_server
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lumytic.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "OUTBOX_RETRY_BACKOFF": "1",
        "OUTBOX_RETRY_BACKOFF_MAX": "2",
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        celery_worker_command("email,celery"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = eager
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)  # shown by pytest when the test fails


def _wait_until_settled(email_id: int, timeout: float = 60) -> OutboundEmail:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email = OutboundEmail.objects.get(pk=email_id)
        if email.status in (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED):
            return email
        time.sleep(0.25)
    pytest.fail(f"email {email_id} was still {email.status} after {timeout}s")


def _send_one() -> OutboundEmail:
    with transaction.atomic():
        [email] = notify(
            "smtp_test",
            recipients=[Recipient(email="lina@lumytic.test", name="Lina", side="office")],
            context={},
            links={"office": "/office/outbox/"},
        )
    return email


def test_worker_delivers_an_outbox_email_over_smtp_exactly_once(worker, smtp_server):
    _controller, handler = smtp_server
    email = _wait_until_settled(_send_one().pk)

    assert email.status == OutboundEmail.Status.SENT
    assert len(handler.messages) == 1
    _mail_from, rcpt_tos, content = handler.messages[0]
    assert rcpt_tos == ["lina@lumytic.test"]
    assert b"LUMYTIC | Sales" in content
    assert email.subject.encode() in content
    time.sleep(1)  # a late duplicate would have arrived by now
    assert len(handler.messages) == 1


def test_worker_retries_a_transient_smtp_error_then_delivers(worker, smtp_server):
    _controller, handler = smtp_server
    handler.refuse = 1
    email = _wait_until_settled(_send_one().pk)

    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts >= 2
    assert len(handler.messages) == 1
