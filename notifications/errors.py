"""What the outbox refuses or cannot do; each message is fit to show to staff."""


class OutboxError(Exception):
    """An outbox operation that cannot be done; its message is fit to show to staff."""


class TransientDeliveryError(OutboxError):
    """Sending failed in a way that may work later (connection lost, 4xx reply)."""

    def __init__(self, message: str, *, countdown: int = 0):
        super().__init__(message)
        self.countdown = countdown


class NotResendableError(OutboxError):
    """Only a failed email can be queued again."""


class AlreadySentError(NotResendableError):
    """The email was sent; sending it again would duplicate it."""


class LinkWithdrawnError(OutboxError):
    """The sign-in link an email carries may no longer be given (used, withdrawn or replaced)."""
