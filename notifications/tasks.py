"""Thin Celery wrappers around the outbox services."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, acks_late=True, max_retries=settings.NOTIFICATIONS["MAX_RETRIES"])
def send_outbound_email(self, email_id: int) -> None:
    """Send one outbound email, retrying transient SMTP errors with a capped backoff."""
    try:
        services.deliver(email_id=email_id)
    except services.TransientDeliveryError as error:
        # Read at run time so a settings change applies without redefining the task.
        max_retries = settings.NOTIFICATIONS["MAX_RETRIES"]
        if self.request.retries >= max_retries:
            services.mark_failed(email_id=email_id, error=str(error))
            return
        raise self.retry(exc=error, countdown=error.countdown, max_retries=max_retries) from error


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Queue again the pending emails that no worker picked up."""
    return services.sweep_outbox()
