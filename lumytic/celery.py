"""The Celery application; tasks live in each app's tasks.py."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumytic.settings")

app = Celery("lumytic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_old_database_connections(sender=None, **kwargs) -> None:
    """Treat each task like a web request: drop a database connection only when it is too old
    or broken (CONN_MAX_AGE, CONN_HEALTH_CHECKS). Celery's own rule closes it after every task,
    which made each email wait for a new PostgreSQL connection (CELERY_DB_REUSE_MAX turns that
    rule off)."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return  # in-process: the caller's connection and transaction are not ours to close
    from django.db import close_old_connections

    close_old_connections()
