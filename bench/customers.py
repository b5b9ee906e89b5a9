"""Customer list and import at 100,000 customers on PostgreSQL, as ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lumytic_bench \
        .venv/bin/python bench/customers.py

Creates (or re-creates) the database named in DATABASE_URL, writes a 100,000-line CSV, times
PostgreSQL COPY of that file into a scratch table, imports it through Lumytic's own import
(the background job, run in-process), then times the customer list against a bare view that
runs the same middleware. Prints medians, p95s and ratios. Not part of the test run.

Settings as in production: the cache is Redis (REDIS_URL, default redis://127.0.0.1:6379/15,
cleared at the start), sessions are settings.py's (the database). Only Celery runs tasks
in-process (`task_always_eager`), so the import needs no worker.

BENCH_REUSE=1 skips the re-creation and import when the database already holds BENCH_LINES
customers (to iterate on the list); the import line then reports "skipped". The default is the
whole run.
"""

import csv
import os
import random
import re
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

from environment import configure, fresh_database, serve_pages, start_django  # beside this
from report import print_ratios, time_against_bare_view  # bench/report.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
configure(ROOT)
serve_pages()

LINES = int(os.environ.get("BENCH_LINES", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
REUSE = os.environ.get("BENCH_REUSE", "") == "1"
COUNTRIES = ["AE", "SA", "EG", "JO", "DE", "FR", "GB", "US", "IN", "TR", "MA", "QA", "KW", "OM"]


def write_csv(path: Path, lines: int) -> None:
    from customers.csvspec import HEADERS
    from portal.management.commands.demo import NOUNS, PREFIXES

    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        for i in range(lines):
            name = f"{rng.choice(PREFIXES)} {rng.choice(NOUNS)} {i}"
            country = rng.choice(COUNTRIES)
            writer.writerow(
                {
                    "name": name,
                    "type": "company",
                    "group": rng.choice(["Distributors", "Retail", "Wholesale", "General"]),
                    "email": f"info{i}@customer{i}.test",
                    "website": f"https://customer{i}.test",
                    "country": country,
                    "default_currency": "USD",
                    "tax_rate": "5",
                    "tax_id": f"TX{i:07d}",
                    "cr_number": f"CR{i:07d}",
                    "billing_city": "Dubai",
                    "billing_country": country,
                    "shipping_same_as_billing": "yes",
                    "active": "yes" if i % 20 else "no",
                    "contact_first_name": rng.choice(["Omar", "Sara", "Paul", "Anna", "Ravi"]),
                    "contact_last_name": rng.choice(["Haddad", "Smith", "Patel", "Dubois"]),
                    "contact_email": f"buyer{i}@customer{i}.test",
                }
            )


def time_copy(path: Path) -> float:
    """Seconds for PostgreSQL COPY of the same file into a scratch table of text columns."""
    from django.db import connection

    from customers.csvspec import HEADERS

    columns = ", ".join(f'"{h}" text' for h in HEADERS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE copy_bench ({columns})")
        started = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.copy("COPY copy_bench FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE copy_bench")
    return elapsed


def time_import(path: Path, user) -> tuple[float, object]:
    from django.core.files import File

    from customers.models import CustomerImport
    from customers.services.importing import run_import

    with path.open("rb") as handle:
        job = CustomerImport.objects.create(
            file=File(handle, name="bench.csv"),
            original_name="bench.csv",
            delimiter=",",
            mapping={h: h for h in _headers()},
            status=CustomerImport.Status.QUEUED,
            created_by=user,
        )
    started = time.perf_counter()
    run_import(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    return elapsed, job


def _headers():
    from customers.csvspec import HEADERS

    return HEADERS


def page_link(client, url: str, rel: str) -> str:
    """The href of the list's pagination link with this rel (first, prev, next, last)."""
    html = client.get(url).content.decode()
    match = re.search(rf'<a class="page-link" href="([^"]+)" rel="{rel}"', html)
    assert match, f"no {rel} link on {url}"
    return "/office/customers/" + unescape(match.group(1))


def deep_page_url(client, url: str) -> str:
    return page_link(client, page_link(client, url, "last"), "prev")


def _already_imported() -> bool:
    """True when BENCH_REUSE=1 and the database already holds the benchmark's customers."""
    if not REUSE:
        return False
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
            row = conn.execute("SELECT count(*) FROM customers_customer").fetchone()
    except psycopg.Error:
        return False
    return row[0] >= LINES


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and re-created).")
    reuse = _already_imported()
    if not reuse:
        fresh_database()

    start_django()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from customers.models import Customer, CustomerGroup
    from lumytic.accounts.models import User
    from lumytic.accounts.roles import ADMIN

    if reuse:
        user = User.objects.get(email="bench@lumytic.test")
        copy_seconds = import_seconds = job = None
    else:
        user = User.objects.create_user(email="bench@lumytic.test", password="x", role="staff")
        user.groups.add(Group.objects.get(name=ADMIN))  # the office's pages need a role
        CustomerGroup.default()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "customers.csv"
            write_csv(path, LINES)
            copy_seconds = time_copy(path)
            import_seconds, job = time_import(path, user)
        # Steady state after a bulk load: autovacuum would analyse the new rows within a
        # minute, but this server runs with autovacuum off, so the planner would see no rows.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Customer.objects.count()

    client = Client()
    client.force_login(user)
    group = CustomerGroup.objects.get(name="Wholesale")
    pages = {
        "default": "/office/customers/",
        "searched": "/office/customers/?q=falcon",
        "filtered": f"/office/customers/?country=DE&group={group.pk}&active=yes",
        "sorted": "/office/customers/?sort=-created",
        # As a user gets there: "Last", then "Previous" (the second-to-last page).
        "deep page": deep_page_url(client, "/office/customers/"),
    }
    bare, results, load_before, load_after = time_against_bare_view(client, pages, ROUNDS)

    print(
        f"PostgreSQL {settings.DATABASES['default']['NAME']}: {total:,} customers, "
        f"{ROUNDS} requests per page, in turn, after 5 warm-up requests; "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"sessions {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}; "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    print_ratios(bare, results, "list p95 / bare p95, worst page")
    if job is None:
        print("import: skipped (BENCH_REUSE=1, database already imported)")
        return
    print(
        f"import of {LINES:,} lines: {import_seconds:.1f} s "
        f"({job.created_count:,} created, {job.skipped_count:,} skipped); "
        f"COPY of the same file: {copy_seconds:.2f} s; "
        f"ratio {import_seconds / copy_seconds:.1f} (goal: within 60 s and 100x)"
    )


if __name__ == "__main__":
    main()
