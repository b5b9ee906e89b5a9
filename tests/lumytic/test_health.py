"""`manage.py health` reports the database, broker queues, oldest unsent email and beat's last
run, and exits non-zero when any of them is wrong (issue 16)."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from lumytic.celery import app as celery_app
from notifications.models import OutboundEmail
from tests.conftest import require
from tests.factories import OutboundEmailFactory
from tests.helpers import free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _health(*args) -> tuple[int, str]:
    """Run the command; return its exit status and what it printed."""
    out = StringIO()
    try:
        call_command("health", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def _lines(output: str) -> dict[str, str]:
    """'  FAIL  email: waiting 20 min' -> {'email': 'FAIL email: waiting 20 min'}."""
    rows = {}
    for line in output.splitlines()[1:]:
        state, rest = line.split(maxsplit=1)
        rows[rest.split(":", 1)[0]] = f"{state} {rest}"
    return rows


def _email(*, minutes_ago: int, status=OutboundEmail.Status.PENDING) -> OutboundEmail:
    return OutboundEmailFactory(
        status=status,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        sent_at=timezone.now() if status == OutboundEmail.Status.SENT else None,
    )


def _beat_ran(*, minutes_ago: int, enabled: bool = True) -> PeriodicTask:
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    return PeriodicTask.objects.create(
        name=f"test-{uuid.uuid4()}",
        task="customers.tasks.send_due_reminders",
        interval=every_minute,
        enabled=enabled,
        last_run_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def broker(settings):
    """The test Redis as the broker, with task queues of this test's own."""
    require(bool(django_settings.CELERY_BROKER_URL), "Redis (REDIS_URL)")
    tag = uuid.uuid4().hex[:8]
    settings.CELERY_TASK_DEFAULT_QUEUE = f"health-{tag}-celery"
    settings.CELERY_TASK_ROUTES = {
        "notifications.tasks.send_outbound_email": {"queue": f"health-{tag}-email"}
    }
    return settings.CELERY_TASK_DEFAULT_QUEUE, f"health-{tag}-email"


def test_all_well_is_healthy_with_exit_status_0(broker):
    default_queue, email_queue = broker
    _email(minutes_ago=5)
    _email(minutes_ago=60, status=OutboundEmail.Status.SENT)  # sent long ago: not waiting
    _beat_ran(minutes_ago=3)

    status, output = _health()

    assert status == 0
    assert output.splitlines()[0] == "healthy"
    rows = _lines(output)
    assert rows["database"] == "ok database: reachable"
    assert rows["broker"] == f"ok broker: reachable; waiting: {default_queue} 0, {email_queue} 0"
    assert rows["email"] == "ok email: oldest unsent email waiting 5 min; 0 left alone over 15 min"
    assert rows["beat"] == "ok beat: last scheduled task sent 3 min ago (limit 5 min)"


def test_queue_depth_counts_the_messages_waiting_in_each_queue(broker):
    default_queue, email_queue = broker
    with celery_app.connection_for_write(django_settings.CELERY_BROKER_URL) as conn:
        waiting = conn.SimpleQueue(email_queue)
        for n in range(3):
            waiting.put({"n": n})
        try:
            status, output = _health("--role", "worker", "--json")
        finally:
            waiting.clear()
            waiting.queue.delete()
            waiting.close()

    report = json.loads(output)
    assert status == 0
    [broker_check] = [check for check in report["checks"] if check["name"] == "broker"]
    assert broker_check["value"] == {default_queue: 0, email_queue: 3}


def test_an_email_pending_longer_than_the_limit_is_unhealthy(broker, settings):
    settings.HEALTH_MAX_EMAIL_AGE = 10 * 60
    _email(minutes_ago=25)
    _email(minutes_ago=3)

    status, output = _health("--role", "worker")

    assert status == 1
    assert output.splitlines()[0] == "UNHEALTHY (role worker)"
    assert _lines(output)["email"] == (
        "FAIL email: oldest unsent email waiting 25 min; 1 left alone over 10 min"
    )
    assert set(_lines(output)) == {"database", "broker", "email"}  # a worker does not check beat


def test_an_old_email_still_being_retried_through_a_mail_outage_is_healthy(broker, settings):
    """Retries keep moving during a long SMTP outage: restarting the worker would not help."""
    settings.HEALTH_MAX_EMAIL_AGE = 10 * 60
    email = _email(minutes_ago=40)
    OutboundEmail.objects.filter(pk=email.pk).update(
        attempts=6,
        last_attempt_at=timezone.now() - timedelta(minutes=2),
        not_before=timezone.now() + timedelta(minutes=8),
    )

    status, output = _health("--role", "worker")

    assert status == 0
    assert _lines(output)["email"] == (
        "ok email: oldest unsent email waiting 40 min; 0 left alone over 10 min"
    )


def test_beat_silent_longer_than_the_limit_is_unhealthy(broker):
    _beat_ran(minutes_ago=9)
    _beat_ran(minutes_ago=1, enabled=False)  # a disabled entry says nothing about beat

    status, output = _health("--role", "beat")

    assert status == 1
    assert _lines(output)["beat"] == "FAIL beat: last scheduled task sent 9 min ago (limit 5 min)"


def test_beat_that_never_ran_is_unhealthy(broker):
    status, output = _health("--role", "beat")

    assert status == 1
    assert _lines(output)["beat"] == "FAIL beat: beat has never sent a scheduled task"


def test_an_unreachable_broker_is_unhealthy(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"

    status, output = _health("--role", "web", "--json")

    report = json.loads(output)
    assert status == 1
    assert report["healthy"] is False
    assert report["role"] == "web"
    checks = {check["name"]: check for check in report["checks"]}
    assert set(checks) == {"database", "broker"}
    assert checks["database"]["ok"] is True
    assert checks["broker"]["ok"] is False
    assert checks["broker"]["detail"].startswith("unreachable:")


def test_an_unreachable_database_is_unhealthy(broker):
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        status, output = _health("--role", "worker")

    assert status == 1
    rows = _lines(output)
    assert rows["database"] == "FAIL database: unreachable: connection refused"
    assert rows["email"] == "FAIL email: database error: connection refused"
    assert rows["broker"].startswith("ok broker: reachable")


def test_without_a_broker_tasks_run_in_process_and_beat_is_not_needed(settings):
    settings.CELERY_BROKER_URL = ""

    status, output = _health()

    assert status == 0
    rows = _lines(output)
    assert rows["broker"] == "ok broker: none configured: tasks run in-process"
    assert rows["beat"] == "ok beat: not used: no broker, tasks run in-process"


def test_the_command_line_exits_with_status_1_when_unhealthy():
    """What a supervisor sees: manage.py's own exit status, and the reason on stderr."""
    require(connection.vendor == "postgresql", "PostgreSQL")
    db = connection.settings_dict
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": unreachable,
        "CELERY_BROKER_URL": unreachable,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "health", "--role", "web"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "  ok    database: reachable" in result.stdout
    assert "  FAIL  broker: unreachable" in result.stdout
    assert "unhealthy: broker" in result.stderr
