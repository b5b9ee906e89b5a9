"""The outbox under faults: real workers killed, Redis stopped, a mail server that misbehaves.

Each scenario sends emails through the real path (notify → Redis → Celery worker → SMTP), runs
the sweep as beat would, and counts per outbox row how many copies the mail server accepted:
delivered once, twice, failed, or lost (neither sent nor failed at the end, or "sent" while the
server never got it). A second copy is allowed only for a row whose attempts show an unknown
outcome (the server took the message data but its answer never came back), and the Outbox page
of such a row says so. Run with ``./dev test -m fault -s`` to see the table of counts.
"""

import asyncio
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from bs4 import BeautifulSoup
from django.db import transaction
from django.test import Client
from django.urls import reverse

from notifications.delivery import message_id, sweep_outbox
from notifications.models import DeliveryAttempt, OutboundEmail
from notifications.services import Recipient, notify
from tests.factories import StaffFactory
from tests.helpers import start_smtp_server

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

EMAIL_TIMEOUT = 2
# Short versions of the production delays, for the worker (environment) and the sweep run
# here (settings); the names map one to one (lumytic/settings.py NOTIFICATIONS).
DELAYS = {
    "MAX_RETRIES": ("OUTBOX_MAX_RETRIES", 5),
    "RETRY_BACKOFF_SECONDS": ("OUTBOX_RETRY_BACKOFF", 1),
    "RETRY_BACKOFF_MAX_SECONDS": ("OUTBOX_RETRY_BACKOFF_MAX", 2),
    "SWEEP_AFTER_SECONDS": ("OUTBOX_SWEEP_AFTER", 3),
    # Longer than the longest live attempt (a stale kept connection, then a fresh one).
    "SENDING_STALE_AFTER_SECONDS": ("OUTBOX_SENDING_STALE_AFTER", 8),
    "UNKNOWN_RETRY_AFTER_SECONDS": ("OUTBOX_UNKNOWN_RETRY_AFTER", 3),
}
# A stuck server holds the DATA command this long: far beyond EMAIL_TIMEOUT.
HANG_SECONDS = 30
# A slow server answers the end of the message data this late: beyond EMAIL_TIMEOUT.
SLOW_SECONDS = EMAIL_TIMEOUT + 2
SETTLE_SECONDS = 90
SWEEP_EVERY_SECONDS = 1
# A duplicate still on its way would arrive within this after every row is settled.
LATE_COPY_SECONDS = 1.5

SENT, FAILED = OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED
UNKNOWN = DeliveryAttempt.Outcome.UNKNOWN


# --- a scriptable mail server -----------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """One message the mail server accepted."""

    outbox_id: int
    message_id: str
    recipients: tuple[str, ...]


class ScriptedHandler:
    """Answers each delivery as scripted for its recipient, and keeps every accepted message.

    ``script(recipient, *actions)`` sets the answers to that recipient's next deliveries, one
    action each, then "ok": "550" refuses the recipient, "421" refuses the message for now,
    "hang" never answers the DATA command, "slow" takes the message but answers the end of its
    data after SLOW_SECONDS. ``reply_delay`` makes every answer a little late (a busy server);
    ``on_accept`` is called with each accepted copy.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plans: dict[str, list[str]] = {}
        self.copies: list[Copy] = []
        self.reply_delay = 0.0
        self.on_accept = None

    def script(self, recipient: str, *actions: str) -> None:
        with self._lock:
            self._plans[recipient] = list(actions)

    def copies_of(self, outbox_id: int) -> list[Copy]:
        with self._lock:
            return [copy for copy in self.copies if copy.outbox_id == outbox_id]

    def count(self) -> int:
        with self._lock:
            return len(self.copies)

    def _next_action(self, recipient: str) -> str:
        with self._lock:
            plan = self._plans.get(recipient)
            return plan.pop(0) if plan else "ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        action = self._next_action(address)
        if action == "550":
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        envelope.action = action
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        action = getattr(envelope, "action", "ok")
        if action == "421":
            return "421 4.3.2 Too busy, try again later"
        message = message_from_bytes(envelope.content)
        copy = Copy(
            outbox_id=int(message["X-Lumytic-Outbox-Id"]),
            message_id=message["Message-ID"],
            recipients=tuple(envelope.rcpt_tos),
        )
        # Counted as soon as it is taken: a real server would deliver it whatever came next.
        with self._lock:
            self.copies.append(copy)
        if self.on_accept:
            self.on_accept(copy)
        await asyncio.sleep(SLOW_SECONDS if action == "slow" else self.reply_delay)
        return "250 2.0.0 Queued"


class ScriptedSMTP(SMTP):
    """An SMTP session that can leave the DATA command unanswered, as a stuck server does."""

    async def smtp_DATA(self, arg):
        if self.envelope is not None and getattr(self.envelope, "action", "") == "hang":
            await asyncio.sleep(HANG_SECONDS)
            if self.transport is not None:
                self.transport.close()
            return
        await super().smtp_DATA(arg)


class ScriptedController(Controller):
    def factory(self):
        return ScriptedSMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def smtp():
    """A scripted mail server on a free port (``smtp.port``), quiet unless something goes wrong."""
    mail_log = logging.getLogger("mail.log")
    level = mail_log.level
    mail_log.setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    handler = ScriptedHandler()
    controller = start_smtp_server(handler, ScriptedController)
    handler.port = controller.port
    yield handler
    controller.stop()
    mail_log.setLevel(level)


@pytest.fixture
def email_worker(start_worker, smtp, settings):
    """Start a worker that mails through the scripted server, with the short delays."""
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        **{key: value for key, (_env, value) in DELAYS.items()},
    }
    env = {env: str(value) for env, value in DELAYS.values()}
    env |= {"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT)}
    return lambda: start_worker(env)


@pytest.fixture
def outbox_page():
    """Return the text of an email's Outbox page as an admin reads it."""
    client = Client()
    client.force_login(StaffFactory())

    def read(pk: int) -> str:
        response = client.get(reverse("notifications:outbox-detail", args=[pk]))
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)

    return read


# --- sending, settling and counting -----------------------------------------------------------


def queue(prefix: str, count: int, *, per_transaction: int = 10) -> list[int]:
    """Write ``count`` emails to prefix-N@agent.test in committed transactions, as code does."""
    ids = []
    for start in range(0, count, per_transaction):
        recipients = [
            Recipient(email=f"{prefix}-{n}@agent.test", side="office")
            for n in range(start, min(count, start + per_transaction))
        ]
        with transaction.atomic():
            emails = notify("smtp_test", recipients=recipients, links={"office": "/office/"})
        ids += [email.pk for email in emails]
    return ids


def address(prefix: str, n: int) -> str:
    return f"{prefix}-{n}@agent.test"


def run_sweeping(condition, timeout: float) -> bool:
    """Run the sweep every second, as beat does every minute, until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    next_sweep = 0.0
    while not condition():
        now = time.monotonic()
        if now > deadline:
            return False
        if now >= next_sweep:
            sweep_outbox()
            next_sweep = now + SWEEP_EVERY_SECONDS
        time.sleep(0.05)
    return True


def wait_for(condition, timeout: float, what: str) -> None:
    if not run_sweeping(condition, timeout):
        pytest.fail(f"timed out waiting for {what}")


def settle(timeout: float = SETTLE_SECONDS) -> None:
    """Sweep until every row is sent or failed (or time is up: the rest count as lost)."""
    open_rows = OutboundEmail.objects.exclude(status__in=[SENT, FAILED])
    run_sweeping(lambda: not open_rows.exists(), timeout)
    time.sleep(LATE_COPY_SECONDS)


@dataclass
class Tally:
    """What became of each outbox row of a scenario, by the copies the server accepted."""

    scenario: str
    seconds: float = 0.0
    rows: int = 0
    once: int = 0
    twice: int = 0
    failed: int = 0
    lost: int = 0
    unknown: int = 0  # rows with an attempt whose outcome is unknown
    retried: int = 0  # rows with an attempt answered "try again later"
    problems: list[str] = field(default_factory=list)
    outcomes: dict[int, list[str]] = field(default_factory=dict)
    copies: dict[int, int] = field(default_factory=dict)


RESULTS: list[Tally] = []


def tally(scenario: str, smtp: ScriptedHandler, started: float) -> Tally:
    """Count the copies per row, note anything the design does not allow, and keep the row."""
    result = Tally(scenario, seconds=time.monotonic() - started)
    rows = OutboundEmail.objects.prefetch_related("delivery_attempts").order_by("pk")
    known = set()
    for email in rows:
        known.add(email.pk)
        copies = smtp.copies_of(email.pk)
        outcomes = [attempt.outcome for attempt in email.delivery_attempts.all()]
        result.rows += 1
        result.outcomes[email.pk], result.copies[email.pk] = outcomes, len(copies)
        unknown = UNKNOWN in outcomes
        result.unknown += unknown
        result.retried += DeliveryAttempt.Outcome.RETRY in outcomes
        if any(copy.message_id != message_id(email) for copy in copies):
            result.problems.append(f"#{email.pk}: a copy with another Message-ID")
        if email.status not in (SENT, FAILED) or (email.status == SENT and not copies):
            result.lost += 1
            result.problems.append(f"#{email.pk} lost: {email.status}, {len(copies)} copies")
        elif len(copies) > 1:
            result.twice += 1
            if not unknown or len(copies) > 2:
                result.problems.append(f"#{email.pk}: {len(copies)} copies, attempts {outcomes}")
        elif email.status == SENT:
            result.once += 1
        else:
            result.failed += 1
            if copies and not unknown:
                result.problems.append(f"#{email.pk}: failed, yet the server has it")
    strays = {copy.outbox_id for copy in smtp.copies} - known
    if strays:
        result.problems.append(f"copies of unknown rows {sorted(strays)}")
    RESULTS.append(result)
    print(
        f"\n{scenario}: {result.once} once, {result.twice} twice, {result.failed} failed, "
        f"{result.lost} lost of {result.rows}; {result.problems or 'no problem'}"
    )
    return result


@pytest.fixture(scope="module", autouse=True)
def counts_table():
    """Print the counts of every scenario once the module is done (shown with -s)."""
    yield
    if not RESULTS:
        return
    head = ("scenario", "rows", "once", "twice", "failed", "lost", "unknown", "retried", "s")
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in RESULTS:
        values = (r.rows, r.once, r.twice, r.failed, r.lost, r.unknown, r.retried)
        lines.append(" | ".join([r.scenario, *map(str, values), f"{r.seconds:.0f}"]))
    print("\n\nEmail fault scenarios (copies the SMTP server accepted per outbox row)\n")
    print("\n".join(f"| {line} |" for line in lines))


def assert_sound(result: Tally, outbox_page) -> None:
    """Nothing lost, no copy beyond the unknown case, and the Outbox tells of every unknown."""
    assert not result.problems, result.problems
    assert result.lost == 0
    for pk, outcomes in result.outcomes.items():
        if UNKNOWN in outcomes:
            assert str(UNKNOWN.label) in outbox_page(pk), f"Outbox #{pk} hides its unknown outcome"


# --- the scenarios ------------------------------------------------------------------------------


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_only_an_unknown_outcome(
    email_worker, smtp, outbox_page
):
    started = time.monotonic()
    # The 40th email is taken by the server, whose answer is slow: the worker dies right then.
    victim = address("kill", 40)
    smtp.script(victim, "slow")
    taken = threading.Event()
    smtp.on_accept = lambda copy: copy.recipients == (victim,) and taken.set()
    first = email_worker()
    ids = queue("kill", 100)
    assert taken.wait(60), "the worker never reached the 40th email"
    first.kill()
    # A second kill lands wherever the next worker happens to be.
    second = email_worker()
    wait_for(lambda: smtp.count() >= 70, 60, "70 copies")
    second.kill()
    email_worker()
    settle()

    result = tally("worker killed twice mid-batch (100)", smtp, started)
    assert_sound(result, outbox_page)
    assert result.once + result.twice == len(ids) == 100
    # The server had the victim's message when its worker died: a second copy, shown as unknown.
    [victim_id] = OutboundEmail.objects.filter(to_email=victim).values_list("pk", flat=True)
    assert result.copies[victim_id] == 2
    assert result.outcomes[victim_id] == [UNKNOWN, DeliveryAttempt.Outcome.SENT]


def test_redis_stopped_under_load_then_started_again_delivers_everything_once(
    email_worker, smtp, fault_redis, outbox_page
):
    started = time.monotonic()
    smtp.reply_delay = 0.05  # a busy server, so the worker is mid-batch when Redis stops
    worker = email_worker()
    before = queue("before", 40)
    wait_for(lambda: smtp.count() >= 5, 30, "the first copies")
    fault_redis.stop()
    assert smtp.count() < len(before), "the worker was no longer busy when Redis stopped"
    during = queue("during", 10)  # committed while the broker refuses their tasks
    refused = OutboundEmail.objects.filter(pk__in=during, enqueued_at__isnull=True)
    assert refused.count() == len(during), "the broker took tasks while it was stopped"
    time.sleep(1)
    fault_redis.start()  # empty: what the queue held is gone
    after = queue("after", 10)
    settle()
    assert "Connection to broker lost" in worker.log

    result = tally("Redis stopped under load (60)", smtp, started)
    assert worker.alive, f"the worker exited during the Redis outage:\n{worker.log[-3000:]}"
    assert_sound(result, outbox_page)
    assert result.once == len(before + during + after) == 60
    assert result.twice == result.failed == 0


def test_421_then_250_delivers_each_email_once_after_a_retry(email_worker, smtp, outbox_page):
    started = time.monotonic()
    for n in range(10):
        smtp.script(address("busy", n), "421")
    email_worker()
    ids = queue("busy", 10)
    settle()

    result = tally("421 then 250 (10)", smtp, started)
    assert_sound(result, outbox_page)
    assert result.once == result.retried == len(ids) == 10
    for pk in ids:
        assert result.outcomes[pk] == [DeliveryAttempt.Outcome.RETRY, DeliveryAttempt.Outcome.SENT]


def test_550_fails_the_refused_recipients_only_and_retries_nothing(email_worker, smtp, outbox_page):
    started = time.monotonic()
    refused = {address("mixed", n) for n in range(0, 20, 4)}
    for recipient in refused:
        smtp.script(recipient, "550")
    email_worker()
    queue("mixed", 20)
    settle()

    result = tally("550 for 5 of 20 recipients", smtp, started)
    assert_sound(result, outbox_page)
    assert (result.once, result.failed, result.retried) == (15, 5, 0)
    for email in OutboundEmail.objects.all():
        if email.to_email in refused:
            assert email.status == FAILED
            assert result.outcomes[email.pk] == [DeliveryAttempt.Outcome.FAILED]
            assert "550" in email.last_error
        else:
            assert result.outcomes[email.pk] == [DeliveryAttempt.Outcome.SENT]


def test_a_hanging_server_ends_the_attempt_at_the_timeout_and_starves_nothing(
    email_worker, smtp, outbox_page
):
    started = time.monotonic()
    # Two recipients' deliveries hang twice each (the kept connection, then a fresh one).
    stuck = {address("hang", 3), address("hang", 12)}
    for recipient in stuck:
        smtp.script(recipient, "hang", "hang")
    email_worker()
    ids = queue("hang", 20)
    settle()

    result = tally("hang at DATA, 2 of 20", smtp, started)
    assert_sound(result, outbox_page)
    assert result.once == len(ids) == 20
    for email in OutboundEmail.objects.prefetch_related("delivery_attempts"):
        attempts = list(email.delivery_attempts.all())
        if email.to_email not in stuck:
            assert [a.outcome for a in attempts] == [DeliveryAttempt.Outcome.SENT]
            continue
        # Nothing went out, so the attempt is retried, not unknown; it ended at the timeout.
        first, *_rest, last = attempts
        assert first.outcome == DeliveryAttempt.Outcome.RETRY
        assert "timed out" in first.error
        assert (first.finished_at - first.started_at).total_seconds() < 3 * EMAIL_TIMEOUT
        assert last.outcome == DeliveryAttempt.Outcome.SENT


def test_a_slow_end_of_data_reply_is_an_unknown_outcome_with_at_most_one_extra_copy(
    email_worker, smtp, outbox_page
):
    started = time.monotonic()
    slow_once = {address("slow", n) for n in (1, 5, 8)}
    slow_twice = address("slow", 9)
    for recipient in slow_once:
        smtp.script(recipient, "slow")
    smtp.script(slow_twice, "slow", "slow")
    email_worker()
    ids = queue("slow", 10)
    settle()

    result = tally("slow end-of-DATA reply, 4 of 10", smtp, started)
    assert_sound(result, outbox_page)
    assert (result.once, result.twice, result.unknown) == (6, 4, 4)
    copies = Counter(copy.message_id for copy in smtp.copies)
    for email in OutboundEmail.objects.filter(pk__in=ids):
        if email.to_email in slow_once:
            assert email.status == SENT
            assert result.outcomes[email.pk] == [UNKNOWN, DeliveryAttempt.Outcome.SENT]
        elif email.to_email == slow_twice:
            # A second unknown outcome is final: a person decides whether to send it again.
            assert email.status == FAILED
            assert result.outcomes[email.pk] == [UNKNOWN, UNKNOWN]
        else:
            assert copies[message_id(email)] == 1
