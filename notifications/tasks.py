"""Thin Celery wrappers around the outbox's delivery."""

from celery import shared_task

from . import delivery
from .errors import TransientDeliveryError


@shared_task(acks_late=True)
def drain_outbox(slot: int = 0) -> int:
    """Send every queued email, a batch at a time on one SMTP connection."""
    return delivery.drain(slot)


@shared_task(bind=True, acks_late=True)
def send_outbound_email(self, email_id: int) -> None:
    """Send one outbound email: a retry after its backoff, a resend, an email sent on its own."""
    try:
        delivery.deliver(email_id=email_id)
    except TransientDeliveryError as error:
        # The services count the attempts and fail the email when they are used up.
        raise self.retry(exc=error, countdown=error.countdown, max_retries=None) from error


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Queue again the pending emails that no worker picked up."""
    return delivery.sweep_outbox()
