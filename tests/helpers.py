"""Plain helpers shared by the tests of every app: a link from an email, a PDF download, a free
local port and a local mail server on it, a real Celery worker's command and database."""

import re
import socket
import sys
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.db import connection


def link_in(body: str, path_start: str) -> str:
    """The path of the first link in an email body that starts with `path_start`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", body)
    assert match, body
    return match.group(1)


def assert_pdf_attachment(response, filename: str) -> None:
    """The response is a PDF offered for download as `filename`."""
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def free_port() -> int:
    """A local port nothing listens on (the probe that found it is closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_server(handler, controller_class=Controller) -> Controller:
    """Start a local aiosmtpd server for `handler` on a free port (``.port``); stop it after."""
    # aiosmtpd cannot listen on port 0 itself.
    controller = controller_class(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def database_url() -> str:
    """The URL of the test database, for a worker in another process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def celery_worker_command(queues: str, *options: str) -> list[str]:
    """The command line of a real Celery worker (solo pool, no cluster chatter) on `queues`."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "lumytic",
        "worker",
        "--pool=solo",
        f"--queues={queues}",
        *options,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
