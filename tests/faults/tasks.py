"""Test-only Celery tasks for the fault tests; a worker loads them with `--include`."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.faults.tasks.slow_mark", acks_late=True)
def slow_mark(token: str, seconds: float = 0.0) -> None:
    """Sleep, then leave a file named `token` in FAULT_MARK_DIR (one line per run)."""
    time.sleep(seconds)
    path = Path(os.environ["FAULT_MARK_DIR"]) / token
    with path.open("a") as marks:
        marks.write(f"{os.getpid()}\n")
