"""Plain helpers shared by the tests of every app: a link from an email, a PDF download, a free
local port and a local mail server on it."""

import re
import socket

from aiosmtpd.controller import Controller


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
