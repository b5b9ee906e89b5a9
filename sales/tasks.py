"""Thin Celery tasks for sales; the work lives in sales.services."""

from celery import shared_task
from django.utils import timezone

from .services.quotations import expire_quotations
from .services.rates import run_rate_update


@shared_task(acks_late=True, ignore_result=True)
def update_exchange_rates(update_id: int | None = None) -> None:
    """Fetch the day's exchange rates (daily from beat, or when staff press "Update now")."""
    run_rate_update(update_id=update_id)


@shared_task(acks_late=True, ignore_result=True)
def expire_overdue_quotations() -> int:
    """Expire sent quotations whose valid-until day has passed (daily from beat)."""
    return expire_quotations(today=timezone.localdate())
