"""Is this installation working: database, broker and queues, the outbox and beat."""

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import ChannelError

from lumytic.celery import app as celery_app
from notifications.delivery import overdue_emails
from notifications.models import OutboundEmail

BROKER_TIMEOUT_SECONDS = 3

# What each process needs; a supervisor restarts the process whose role fails.
ROLE_CHECKS = {
    "web": ("database", "broker"),
    "worker": ("database", "broker", "email"),
    "beat": ("database", "broker", "beat"),
}
ROLES = tuple(ROLE_CHECKS)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    value: object = None  # the measured number(s), for --json


@dataclass(frozen=True)
class Report:
    role: str | None
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict:
        return {
            "healthy": self.healthy,
            "role": self.role,
            "checks": [asdict(check) for check in self.checks],
        }


def task_queues() -> list[str]:
    """Every queue a task can be sent to: the default one and those named in the routes."""
    routes = settings.CELERY_TASK_ROUTES or {}
    routed = {route["queue"] for route in routes.values() if "queue" in route}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check("database", False, f"unreachable: {error}".strip())
    return Check("database", True, "reachable")


def check_broker() -> Check:
    """Reach the broker and count the messages waiting in each task queue."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return Check("broker", True, "none configured: tasks run in-process", {})
    depths = {}
    try:
        with celery_app.connection_for_read(
            url,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options={"socket_timeout": BROKER_TIMEOUT_SECONDS},
        ) as conn:
            conn.connect()
            for queue in task_queues():
                depths[queue] = _queue_depth(conn.default_channel, queue)
    except Exception as error:  # whatever the transport raises, the broker is not usable
        return Check("broker", False, f"unreachable: {error}".strip())
    waiting = ", ".join(f"{queue} {depth}" for queue, depth in depths.items())
    return Check("broker", True, f"reachable; waiting: {waiting}", depths)


def _queue_depth(channel, queue: str) -> int:
    try:
        return channel.queue_declare(queue=queue, passive=True).message_count
    except ChannelError:  # Redis keeps no empty list: a queue with nothing waiting is "not found"
        return 0


def check_email(*, now=None) -> Check:
    """Report the oldest unsent email; fail when an email has been left alone longer than
    allowed (not queued, tried or due for a retry in that time): nobody is delivering.

    Emails retried through a long mail-server outage keep moving, so they do not fail it."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.HEALTH_MAX_EMAIL_AGE)
    oldest = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    if oldest is None:
        return Check("email", True, "no email waiting")
    age = now - oldest
    stuck = overdue_emails(limit, now=now).count()
    detail = (
        f"oldest unsent email waiting {_duration(age)}; {stuck} left alone over {_duration(limit)}"
    )
    return Check("email", stuck == 0, detail, round(age.total_seconds()))


def check_beat(*, now=None) -> Check:
    """Fail when beat has sent no scheduled task for longer than allowed."""
    if not settings.CELERY_BROKER_URL:
        return Check("beat", True, "not used: no broker, tasks run in-process")
    now = now or timezone.now()
    limit = timedelta(seconds=settings.HEALTH_MAX_BEAT_SILENCE)
    last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last is None:
        return Check("beat", False, "beat has never sent a scheduled task")
    silence = now - last
    detail = f"last scheduled task sent {_duration(silence)} ago (limit {_duration(limit)})"
    return Check("beat", silence <= limit, detail, round(silence.total_seconds()))


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "email": check_email,
    "beat": check_beat,
}


def run_checks(role: str | None = None) -> Report:
    """Run the checks a role needs (all of them without a role)."""
    names = ROLE_CHECKS[role] if role else tuple(CHECKS)
    checks = []
    for name in names:
        try:
            checks.append(CHECKS[name]())
        except DatabaseError as error:
            checks.append(Check(name, False, f"database error: {error}".strip()))
    return Report(role=role, checks=checks)


def _duration(delta: timedelta) -> str:
    seconds = max(0, round(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
