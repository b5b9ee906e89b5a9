"""Hand messages to the configured email backend, keeping one SMTP connection per worker.

Opening an SMTP connection (and its TLS handshake and login) costs more than sending a message,
so a worker keeps the connection open between emails. A kept connection that the server closed
while idle is opened again once, before any message data went out.

The SMTP backend used here (``SMTPBackend``) notes when a message's data, up to the final dot,
has been written. If the server's reply is then lost (timeout, disconnect), the server may have
taken the message: ``send`` raises ``OutcomeUnknown`` so the caller does not retry blindly.
"""

import contextlib
import smtplib
import threading
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

END_OF_DATA = b"\r\n.\r\n"


class OutcomeUnknown(Exception):
    """The message data reached the server but its answer did not reach us."""


@cache
def _tracking(base: type[smtplib.SMTP]) -> type[smtplib.SMTP]:
    """Subclass an SMTP class so it records whether the end of the message data was written."""

    class Tracking(base):
        data_sent = False

        def mail(self, *args: Any, **kwargs: Any):
            self.data_sent = False
            return super().mail(*args, **kwargs)

        def send(self, s: Any) -> None:
            super().send(s)
            if isinstance(s, bytes) and s.endswith(END_OF_DATA):
                self.data_sent = True

    Tracking.__name__ = f"Tracking{base.__name__}"
    return Tracking


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend on a connection that tells whether the message data went out."""

    @property
    def connection_class(self):
        # Looked up at call time, so a test that replaces smtplib.SMTP still takes effect.
        return _tracking(smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP)


_local = threading.local()


def _settings_key() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", None),
        getattr(settings, "EMAIL_HOST_USER", ""),
        getattr(settings, "EMAIL_USE_TLS", False),
        getattr(settings, "EMAIL_USE_SSL", False),
        getattr(settings, "EMAIL_TIMEOUT", None),
    )


def _backend() -> tuple[Any, bool]:
    """Return this thread's backend and whether its connection was already open."""
    key = _settings_key()
    backend = getattr(_local, "backend", None)
    if backend is not None and _local.key != key:
        close()
        backend = None
    if backend is None:
        backend = get_connection(fail_silently=False)
        _local.backend, _local.key = backend, key
    was_open = bool(getattr(backend, "connection", None))
    if isinstance(backend, DjangoSMTPBackend):
        backend.open()  # kept open: send_messages leaves a connection it did not open alone
    return backend, was_open


def send(message: EmailMessage) -> int:
    """Send one message on the kept connection; return how many recipients it went to."""
    backend, was_open = _backend()
    try:
        return _send_on(backend, message)
    except smtplib.SMTPServerDisconnected:
        # Had the message data gone out, _send_on would have raised OutcomeUnknown instead.
        if not was_open:
            raise
        # The kept connection had gone stale while idle; nothing went out, so try once afresh.
        backend, _was_open = _backend()
        return _send_on(backend, message)


def _send_on(backend: Any, message: EmailMessage) -> int:
    message.connection = backend
    try:
        return backend.send_messages([message])
    except Exception as error:
        data_sent = _data_sent(backend)
        close()
        if data_sent and not isinstance(error, smtplib.SMTPResponseException):
            raise OutcomeUnknown(f"{type(error).__name__}: {error}") from error
        raise


def _data_sent(backend: Any) -> bool:
    return bool(getattr(getattr(backend, "connection", None), "data_sent", False))


def close() -> None:
    """Close and forget this thread's connection (after an error, or when the worker stops)."""
    backend = getattr(_local, "backend", None)
    _local.backend = None
    if backend is not None and isinstance(backend, DjangoSMTPBackend):
        # Closing a broken connection must not hide the error that broke it.
        with contextlib.suppress(Exception):
            backend.close()
