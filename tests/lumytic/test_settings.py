"""The one settings module picks its services from environment variables."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "site": settings.SITE_URL,
}))
"""


HOST_ONLY = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _settings_with(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in HOST_ONLY}
    env.update(DJANGO_SETTINGS_MODULE="lumytic.settings", SECRET_KEY="x" * 50, **variables)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_variables_the_embedded_default_is_used():
    """No DATABASE_URL: SQLite; no REDIS_URL: a database cache and in-process tasks."""
    config = _settings_with()
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"].endswith("db.sqlite3")
    assert config["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert config["eager"] is True
    assert config["email"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_selects_postgresql_and_redis_url_the_broker_and_cache():
    config = _settings_with(
        DATABASE_URL="postgres://lumytic:pw@db.internal:5432/lumytic",
        REDIS_URL="redis://redis.internal:6379/2",
        EMAIL_URL="smtp://mailer:secret@smtp.internal:2525",
        SITE_URL="https://sales.example.com/",
    )
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "lumytic"
    assert config["cache"] == "lumytic.core.cache.ResilientRedisCache"  # Redis, degrading
    assert config["eager"] is False
    assert config["broker"] == "redis://redis.internal:6379/2"
    # Django's SMTP backend on a connection that tells whether the message went out (mailer.py).
    assert config["email"] == "notifications.mailer.SMTPBackend"
    assert config["site"] == "https://sales.example.com"


def test_check_deploy_is_clean_with_production_variables():
    env = {k: v for k, v in os.environ.items() if k not in HOST_ONLY}
    env.update(
        DEBUG="false",
        SECRET_KEY="k3y-" + "q8Zr!x" * 10,
        ALLOWED_HOSTS="lumytic.example.com",
        HTTPS="true",
        STATIC_MANIFEST="true",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
