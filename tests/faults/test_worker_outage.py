"""A worker started as deploy/systemd runs it lives through Redis outages while busy (issue 16).

Reproduces the known failure: stopping Redis while a worker holds an unacknowledged message and
waits on BRPOP made kombu's Redis transport crash the worker ("Unrecoverable error:
AttributeError 'NoneType' object has no attribute 'hostname'"), usually within two outages.
"""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lumytic.celery import app as celery_app
from tests.conftest import require
from tests.helpers import free_port

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy/systemd/lumytic-worker.service"
OUTAGES = 4
SLOW_TASK_SECONDS = 4


class Redis:
    """A throwaway redis-server on its own port that the test stops and starts at will."""

    def __init__(self, port: int, directory: Path):
        self.port, self.directory = port, directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            # Its own empty directory, so no dump.rdb from elsewhere is ever loaded.
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        _wait_for(lambda: self.answers(), 10, "redis-server to answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def _worker_command() -> list[str]:
    """The unit's ExecStart, run with this interpreter, plus the test-only task module."""
    text = UNIT.read_text().replace("\\\n", " ")
    [line] = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    args = shlex.split(line.removeprefix("ExecStart="))
    assert args[0].endswith("/celery")
    args = [arg.replace("%%", "%") for arg in args[1:]]  # systemd's escape for a literal %
    return [sys.executable, "-m", "celery", *args, "--include", "tests.faults.tasks"]


@pytest.fixture
def redis_server(tmp_path):
    require(shutil.which("redis-server") is not None, "redis-server")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = Redis(free_port(), directory)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def worker(redis_server, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    log = (tmp_path / "worker.log").open("w+")
    broker = f"redis://127.0.0.1:{redis_server.port}/0"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lumytic.settings",
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/1",
        "FAULT_MARK_DIR": str(marks),
    }
    process = subprocess.Popen(
        _worker_command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    worker = WorkerUnderTest(process, log, broker, marks)
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    _wait_for(lambda: "ready." in worker.output(), 60, "the worker to be ready")
    yield worker
    celery_app.conf.task_always_eager = eager
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    print(worker.output())  # shown by pytest when the test fails
    log.close()


class WorkerUnderTest:
    def __init__(self, process, log, broker: str, marks: Path):
        self.process, self.log, self.broker, self.marks = process, log, broker, marks

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()

    def alive(self) -> bool:
        return self.process.poll() is None

    def received(self) -> int:
        return self.output().count("] received")

    def connections(self) -> int:
        return self.output().count("Connected to redis://")

    def send(self, token: str, seconds: float = 0) -> None:
        # A fresh connection each time: the last one died with the last outage.
        with celery_app.connection_for_write(self.broker) as conn:
            celery_app.send_task(
                "tests.faults.tasks.slow_mark", args=[token, seconds], connection=conn
            )

    def done(self) -> set[str]:
        return {path.name for path in self.marks.iterdir()}


def test_worker_outlives_redis_outages_while_busy_then_takes_new_work(redis_server, worker):
    for outage in range(1, OUTAGES + 1):
        # One running task and a free slot: the worker holds an unacknowledged message and
        # waits on BRPOP for the next one, the moment the crash needed.
        received = worker.received()
        worker.send(f"busy-{outage}", SLOW_TASK_SECONDS)
        _wait_for(lambda: worker.received() > received, 10, "the worker to take the task")
        time.sleep(1)
        redis_server.stop()
        time.sleep(1)
        redis_server.start()

        # Redis came back empty; the worker takes new work from it.
        worker.send(f"after-{outage}")
        _wait_for(
            lambda: f"after-{outage}" in worker.done() or not worker.alive(),
            60,
            f"a new task after outage {outage}",
        )
        assert worker.alive(), f"the worker exited during outage {outage}"

    # The tasks that were running when Redis went away finished in their pool processes.
    _wait_for(lambda: len(worker.done()) == 2 * OUTAGES, 30, "the busy tasks to finish")
    assert worker.done() == {
        f"{kind}-{n}" for kind in ("busy", "after") for n in range(1, OUTAGES + 1)
    }
    assert worker.alive()
    assert "Unrecoverable error" not in worker.output()
