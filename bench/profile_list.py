"""Profile one customer-list request on the bench database (cProfile and per-query times).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lumytic_bench \
        .venv/bin/python bench/profile_list.py "/office/customers/?q=falcon" [sort-key]

Needs a database filled by bench/customers.py. Not part of the test run.
"""

import cProfile
import pstats
import sys
import time
from pathlib import Path

from environment import configure, serve_pages  # bench/environment.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
configure(ROOT)
serve_pages()


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lumytic.accounts.models import User
    from lumytic.celery import app

    app.conf.task_always_eager = True
    url = sys.argv[1] if len(sys.argv) > 1 else "/office/customers/"
    sort = sys.argv[2] if len(sys.argv) > 2 else "cumulative"
    client = Client()
    client.force_login(User.objects.get(email="bench@lumytic.test"))
    for _ in range(20):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        client.get(url)
        elapsed = time.perf_counter() - started
    print(f"{url}: {elapsed * 1000:.1f} ms, {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:160]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(50):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats(sort).print_stats(45)


if __name__ == "__main__":
    main()
