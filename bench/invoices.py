"""Median render time of a 1-page and a 10-page proforma invoice PDF (sales.pdf.invoice).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lumytic_bench_invoices \
        .venv/bin/python bench/invoices.py

Creates (or re-creates) the database named in DATABASE_URL, migrates it, issues PIs from
confirmed orders through the real services, finds the line counts that give exactly 1 and 10
pages, then renders each BENCH_ROUNDS times (default 15, after 2 warm-up renders) and prints the
median and p95 in milliseconds. Not part of the test run.
"""

import io
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

from environment import configure, fresh_database  # bench/environment.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lumytic_bench_invoices")
configure(ROOT)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
WARM_UP = 2


def issue(customer, lines: int):
    from sales.services.invoicing import issue_pi
    from sales.services.orders import confirm_order, create_order

    order = create_order(
        customer=customer,
        by=None,
        lines=[
            {
                "description": f"Industrial component {index:03d}, stainless, 24 V",
                "quantity": Decimal(index % 7 + 1),
                "unit_price": Decimal("119.90"),
                "discount_percent": Decimal(index % 3 * 5),
                "tax_rate": Decimal("5") if index % 2 else Decimal("15"),
            }
            for index in range(lines)
        ],
    )
    billing = {"first_name": "Omar", "last_name": "Khalil", "city": "Dubai", "country": "AE"}
    order = confirm_order(order=order, by=None, billing=billing)
    return issue_pi(order=order, by=None)


def pages(pi) -> int:
    from pypdf import PdfReader

    from sales.pdf import render_pi_pdf

    return len(PdfReader(io.BytesIO(render_pi_pdf(pi))).pages)


def pi_with_pages(customer, wanted: int):
    """Issue PIs with more lines until one renders on exactly `wanted` pages."""
    lines = max(1, wanted * 25 - 20)
    for _attempt in range(40):
        pi = issue(customer, lines)
        count = pages(pi)
        if count == wanted:
            return pi, lines
        lines += max(1, (wanted - count) * 20) if count < wanted else -max(1, (count - wanted) * 20)
        lines = max(1, lines)
    raise SystemExit(f"No line count gave {wanted} pages")


def timed(pi) -> list[float]:
    from sales.pdf import render_pi_pdf

    for _ in range(WARM_UP):
        render_pi_pdf(pi)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        render_pi_pdf(pi)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    fresh_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from customers.services import create_customer

    customer = create_customer(by=None, name="Bench Trading LLC", default_currency="USD")
    print(f"PI PDF render, {ROUNDS} rounds after {WARM_UP} warm-up renders")
    print(f"{'PI':<10}{'lines':>7}{'median ms':>12}{'p95 ms':>10}")
    for wanted in (1, 10):
        pi, lines = pi_with_pages(customer, wanted)
        samples = sorted(timed(pi))
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        label = f"{wanted} page" + ("s" if wanted > 1 else "")
        print(f"{label:<10}{lines:>7}{statistics.median(samples):>12.1f}{p95:>10.1f}")


if __name__ == "__main__":
    main()
