"""Portal pages of a customer with 200 orders on PostgreSQL, as ratios to a bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lumytic_bench_portal \
        .venv/bin/python bench/portal.py

Drops and re-creates that database, migrates it, gives one customer BENCH_ORDERS orders (200)
in every step of the workflow with their lines, PIs, signed copies, memos, payments,
cancellations and credits (tests/portal/history.py), then requests the portal home, the orders
list, an order, the invoices list and the statement, signed in as that customer's user with
every area, in turn with a bare view that runs the same middleware (BENCH_ROUNDS rounds, 200).
Prints the median and p95 of each and their ratios to the bare view, and the load average.
Not part of the test run.

BENCH_CODE=/path/to/another/checkout runs that checkout's code with this script and this
checkout's data builder (to measure "before" on another branch the same way).
"""

import importlib.util
import os
import sys
from pathlib import Path

from environment import configure, fresh_database, serve_pages, start_django  # beside this
from report import print_ratios, time_against_bare_view  # bench/report.py, beside this script

HERE = Path(__file__).resolve().parents[1]
ROOT = Path(os.environ.get("BENCH_CODE", HERE)).resolve()
configure(ROOT)
os.chdir(ROOT)  # settings read `.env` and paths from the checkout being measured
serve_pages()

ORDERS = int(os.environ.get("BENCH_ORDERS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))


def build_history():
    # Loaded by path, so BENCH_CODE's checkout is measured with this checkout's data.
    path = HERE / "tests" / "portal" / "history.py"
    spec = importlib.util.spec_from_file_location("bench_history", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_history


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and re-created).")
    fresh_database()

    start_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from customers.models import Contact, Customer, CustomerGroup
    from lumytic.accounts.models import User
    from portal.models import Area
    from portal.services.access import set_portal_access
    from sales.models import Order

    user = User.objects.create_user(email="omar@acme.test", password="x", role="portal")
    customer = Customer.objects.create(
        number="CUS-000001",
        name="Acme Trading",
        email="office@acme.test",
        country="AE",
        default_currency="USD",
        group=CustomerGroup.default(),
    )
    contact = Contact.objects.create(
        customer=customer, first_name="Omar", email=user.email, is_primary=True, user=user
    )
    set_portal_access(contact=contact, by=None, areas=list(Area.values))
    by_step = build_history()(customer, user, ORDERS)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    client = Client()
    client.force_login(user)
    order = by_step[Order.Status.MEMO_SENT][0]
    pages = {
        "home": "/portal/",
        "orders": "/portal/orders/",
        "order": f"/portal/orders/{order.pk}/",
        "invoices": "/portal/invoices/",
        "statement": "/portal/statements/",
    }
    bare, results, load_before, load_after = time_against_bare_view(client, pages, ROUNDS)

    print(
        f"PostgreSQL {settings.DATABASES['default']['NAME']}: one customer with {ORDERS} orders "
        f"(code: {ROOT.name}), {ROUNDS} requests per page, in turn, after 5 warm-up requests; "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    print_ratios(bare, results, "page p95 / bare p95, worst page")


if __name__ == "__main__":
    main()
