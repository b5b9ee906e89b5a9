"""The daily fetch is a django-celery-beat PeriodicTask, so admins can change its schedule."""

import importlib

import pytest
from django.apps import apps
from django.utils.module_loading import import_string
from django_celery_beat.models import PeriodicTask

from lumytic.celery import app as celery_app

pytestmark = pytest.mark.django_db

migration = importlib.import_module("sales.migrations.0003_daily_rates_schedule")


def test_the_data_migration_schedules_the_daily_update_on_a_crontab():
    # Run it again (it is idempotent): a flushed test database may have lost the first run.
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)

    task = PeriodicTask.objects.select_related("crontab").get(name="Daily exchange rates")
    assert task.task == "sales.tasks.update_exchange_rates"
    assert task.enabled
    assert task.crontab is not None and task.interval is None
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("30", "16", "*")
    assert str(crontab.timezone) == "Europe/Berlin"
    assert PeriodicTask.objects.filter(task="sales.tasks.update_exchange_rates").count() == 1


def test_the_scheduled_task_path_is_importable_and_registered_with_celery():
    task = import_string("sales.tasks.update_exchange_rates")
    assert task.name == "sales.tasks.update_exchange_rates"
    assert "sales.tasks.update_exchange_rates" in celery_app.tasks


def test_the_schedule_can_be_removed_by_migrating_back():
    migration.create_schedule(apps, None)
    migration.remove_schedule(apps, None)
    assert not PeriodicTask.objects.filter(name="Daily exchange rates").exists()
