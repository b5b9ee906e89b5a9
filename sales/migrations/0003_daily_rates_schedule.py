"""Schedule the daily exchange-rates update in django-celery-beat, so admins can edit it."""

from django.db import migrations

TASK_NAME = "Daily exchange rates"
TASK = "sales.tasks.update_exchange_rates"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # The ECB publishes its reference rates around 16:00 CET; fetch half an hour later.
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="16",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Berlin",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "enabled": True,
            "description": "Fetch the day's rates, then email the currency_rates digest "
            "(or alert sales-notification users when the fetch fails).",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0002_currencies"),
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
