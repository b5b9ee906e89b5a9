"""Fixtures for the fault tests: a Redis of their own and real Celery workers they may kill.

Fault tests kill workers, stop Redis and take tens of seconds, so they run alone:
``./dev test -m fault``. Without ``-m fault`` they are skipped, so the main ``./dev test`` run
never runs them (nor twice, once the fault run is a CI step of its own).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools

from lumytic.celery import app as celery_app
from tests.conftest import require
from tests.helpers import celery_worker_command, database_url

ROOT = Path(__file__).resolve().parents[2]
# The fault tests' own Redis; never the shared one on 6379, which they would stop.
REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "6391"))
WORKER_READY_SECONDS = 60


def pytest_collection_modifyitems(config, items):
    """Skip the fault tests unless the run selects them with ``-m fault``."""
    if re.search(r"\bfault\b", config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="fault tests run alone: ./dev test -m fault")
    for item in items:
        if item.get_closest_marker("fault"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A redis-server child process on its own port, with no persistence: a restart is empty."""

    def __init__(self, port: int, logfile: Path):
        self.port = port
        self.logfile = logfile
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        assert self.process is None, "Redis is already running"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.logfile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}: see {self.logfile}")
            time.sleep(0.05)

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server (SIGTERM, or SIGKILL with ``kill``); what it held is gone."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def fault_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis of the test's own on FAULT_REDIS_PORT (6391), stopped and started at will."""
    require(shutil.which("redis-server") is not None, "redis-server")
    if _port_taken(REDIS_PORT):
        pytest.fail(f"port {REDIS_PORT} is taken; the fault tests start their own Redis there")
    server = RedisServer(REDIS_PORT, tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


def _reset_producer_pools() -> None:
    # Kombu and Celery keep broker connections and producers in pools built on first use;
    # dropping both makes the next publish connect to the current broker_url.
    pools.reset()
    celery_app._after_fork()


@pytest.fixture
def fault_broker(fault_redis, settings) -> Iterator[str]:
    """Make the fault Redis this process's broker (db 0) and cache (db 1), as in production.

    Tasks are published for real workers (no eager mode); the cache degrades while Redis is
    stopped, as it does in production (lumytic/core/cache.py).
    """
    cache = settings.CACHES["default"]
    if "Redis" not in cache["BACKEND"]:  # the tests ran without REDIS_URL
        cache = {"BACKEND": "lumytic.core.cache.ResilientRedisCache", "KEY_PREFIX": "lumytic"}
    settings.CACHES = {"default": {**cache, "LOCATION": fault_redis.url(1)}}
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager
    conf.broker_url = fault_redis.url(0)
    conf.task_always_eager = False
    _reset_producer_pools()
    yield conf.broker_url
    conf.broker_url, conf.task_always_eager = previous
    _reset_producer_pools()


class CeleryWorker:
    """One real ``celery worker`` process (solo pool) logging to a file."""

    def __init__(self, name: str, env: dict[str, str], logfile: Path, queues: str, include=()):
        self.name = name
        self.logfile = logfile
        command = celery_worker_command(queues, f"--hostname={name}@%h")
        if include:
            command.append(f"--include={','.join(include)}")
        with logfile.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def log(self) -> str:
        return self.logfile.read_text(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float = WORKER_READY_SECONDS) -> None:
        """Wait until the worker consumes from the broker."""
        deadline = time.monotonic() + timeout
        while " ready." not in self.log:
            if not self.alive or time.monotonic() > deadline:
                pytest.fail(f"worker {self.name} did not start:\n{self.log[-4000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no acknowledgement, nothing flushed."""
        if self.alive:
            self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        """Stop it warmly (SIGTERM), or kill it if it does not stop."""
        if self.alive:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(fault_redis, fault_broker, tmp_path, request) -> Iterator:
    """Start real Celery workers on the fault broker: ``start_worker(env={...})``.

    Each worker uses the test database and the fault Redis (broker and cache); ``env`` adds or
    overrides variables (EMAIL_URL, OUTBOX_*...). Workers still running at the end are stopped;
    when the test failed, the end of every worker's log is printed with its report.
    """
    require(connection.vendor == "postgresql", "PostgreSQL")
    workers: list[CeleryWorker] = []

    def start(
        env: dict[str, str] | None = None,
        *,
        queues: str = "email,celery",
        include: tuple[str, ...] = (),
        wait: bool = True,
    ) -> CeleryWorker:
        name = f"fault{len(workers) + 1}"
        full_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lumytic.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": fault_broker,
            "REDIS_URL": fault_redis.url(1),
            **(env or {}),
        }
        worker = CeleryWorker(name, full_env, tmp_path / f"{name}.log", queues, include)
        workers.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    yield start
    failed = getattr(getattr(request.node, "report_call", None), "failed", True)
    for worker in workers:
        worker.stop()
        if failed:
            print(f"----- worker {worker.name} -----\n{worker.log[-6000:]}")
