"""What every bench script does before Django starts: the checkout's code first on sys.path,
the settings a benchmark runs with, and a fresh database. Scripts import it from beside them."""

import os
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def use_checkout(root: Path = CHECKOUT, *, pages: bool = False, **defaults: str) -> Path:
    """Import the code of the checkout at `root`, in production mode (DEBUG off, Redis db 15),
    with `defaults` for settings the environment leaves unset; return `root`.

    `pages`: pages are requested through Django's test client (host "testserver"), over plain
    HTTP and with unhashed static files.
    """
    sys.path.insert(0, str(root))
    if pages:
        defaults = {"HTTPS": "false", "STATIC_MANIFEST": "false", **defaults}
        os.environ["ALLOWED_HOSTS"] = "testserver"
    defaults = {
        "DJANGO_SETTINGS_MODULE": "lumytic.settings",
        "SECRET_KEY": "bench-only-secret",
        "DEBUG": "false",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        **defaults,
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    return root


def fresh_database() -> None:
    """Drop and create the database DATABASE_URL names (its server's `postgres` database must
    be reachable with the same credentials)."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
