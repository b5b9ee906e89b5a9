"""Email throughput: 1,000 outbox emails through the real path against a plain SMTP loop.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lumytic_bench_outbox \
        .venv/bin/python bench/outbox.py

Drops and re-creates that database and migrates it, starts a local SMTP server (aiosmtpd, in a
process of its own, as a real mail server is) and then, against the same server:

- plain loop: one smtplib connection sends the same 1,000 messages, already built, one after
  the other — the most a single sender can do;
- real path: ``notify()`` writes 1,000 emails (one transaction each, as the workflow does) with
  no worker running, so their tasks wait in Redis; then a Celery worker on the "email" queue is
  started as in production, and the time from its first claim to its last "sent" is measured.

Prints both rates and their ratio (goal: the real path at least 0.5x the plain loop), and the
load average. Not part of the test run. BENCH_EMAILS changes the count; BENCH_POOL and
BENCH_CONCURRENCY the worker's pool (by default prefork x4, as deploy/systemd runs it).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from environment import configure, fresh_database  # bench/environment.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
configure(ROOT, redis_url="redis://127.0.0.1:6379/14")
os.chdir(ROOT)
os.environ.setdefault("HTTPS", "false")
os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]

EMAILS = int(os.environ.get("BENCH_EMAILS", "1000"))
POOL = os.environ.get("BENCH_POOL", "prefork")
CONCURRENCY = os.environ.get("BENCH_CONCURRENCY", "4")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The mail server: accepts every message, in its own process.
SERVER = """
import sys, time
from aiosmtpd.controller import Controller

class Accept:
    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted for delivery"

controller = Controller(Accept(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", SERVER, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    return server


def main() -> None:
    port = free_port()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    fresh_database()
    import django

    django.setup()
    import smtplib

    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from notifications.delivery import build_message
    from notifications.models import OutboundEmail
    from notifications.services import Recipient, notify

    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    server = start_server(port)
    try:
        for n in range(EMAILS):
            with transaction.atomic():
                notify(
                    "order_confirmed",
                    recipients=[Recipient(email=f"buyer{n}@agent.example", name=f"Buyer {n}")],
                    context={"order": f"SO-2026-{n:05d}"},
                    details=[("Order", f"SO-2026-{n:05d}"), ("Total", "1,250.00 USD")],
                    links={"office": "/office/orders/"},
                )
        emails = list(OutboundEmail.objects.order_by("pk"))
        raws = [build_message(email).message().as_bytes(linesep="\r\n") for email in emails]

        started = time.perf_counter()
        client = smtplib.SMTP("127.0.0.1", port)
        for email, raw in zip(emails, raws, strict=True):
            client.sendmail(email.from_email, [email.to_email], raw)
        client.quit()
        plain_seconds = time.perf_counter() - started

        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [
                *(sys.executable, "-m", "celery", "-A", "lumytic", "worker", "-Q", "email"),
                f"--pool={POOL}",
                f"--concurrency={CONCURRENCY}",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            env=os.environ.copy(),
        )
        try:
            deadline = time.monotonic() + 600
            while OutboundEmail.objects.exclude(status="sent").exists():
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise SystemExit("The worker did not send every email.")
                time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        from django.db.models import Max, Min

        span = OutboundEmail.objects.aggregate(first=Min("last_attempt_at"), last=Max("sent_at"))
        real_seconds = (span["last"] - span["first"]).total_seconds()
    finally:
        server.communicate(input="", timeout=30)

    plain_rate, real_rate = EMAILS / plain_seconds, EMAILS / real_seconds
    print(f"{EMAILS} emails to a local aiosmtpd server; worker pool {POOL} x{CONCURRENCY}")
    print(f"plain SMTP loop:   {plain_seconds:6.2f} s  {plain_rate:7.1f} emails/s")
    print(f"real path:         {real_seconds:6.2f} s  {real_rate:7.1f} emails/s")
    print(f"real / plain: {real_rate / plain_rate:.2f} (goal: at least 0.5)")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
