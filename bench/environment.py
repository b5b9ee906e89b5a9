"""What every bench script does before Django starts: the checkout's code first on sys.path,
the settings read from the environment as in production, and a database re-created empty."""

import os
import sys
from pathlib import Path


def configure(root: Path, *, redis_url: str = "redis://127.0.0.1:6379/15") -> None:
    """Import the code from `root` and set the settings every bench shares (unless already set)."""
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumytic.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("REDIS_URL", redis_url)


def serve_pages() -> None:
    """Settings of the benches that request pages: plain HTTP, plain static names, the test
    client's host."""
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # The bench signs its staff user in with force_login; a second factor is not what it measures.
    os.environ.setdefault("MFA_REQUIRED", "false")


def fresh_database() -> None:
    """Drop and re-create the database named in DATABASE_URL."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_django() -> None:
    """Set Django up with tasks run in-process (there is no worker) and an empty cache, then
    migrate."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from lumytic.celery import app

    app.conf.task_always_eager = True
    cache.clear()  # nothing cached from an earlier database of the same name
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
