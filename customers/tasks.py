from celery import shared_task

from .services import importing, reminders


@shared_task
def send_due_reminders() -> int:
    return reminders.send_due_reminders()


@shared_task(acks_late=True)
def run_customer_import(job_id: int) -> None:
    importing.run_import(job_id=job_id)
