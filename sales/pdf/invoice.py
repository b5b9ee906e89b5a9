"""The proforma invoice PDF (WeasyPrint, A4), from templates/sales/pdf/proforma_invoice.html.

Safety, as for every PDF (sales/pdf/base.py): the fetcher serves the project's static files and, in
addition, the company logo from the storage under one fixed URL; nothing else is ever loaded.
All customer text goes through Django's autoescaping.

Time limit: a PI is refused above `MAX_PI_LINES` lines (checked when it is issued and again
here). Every printed field is length-limited by its model and nothing is fetched from outside,
so the render time is bounded by the line count; `bench/` records it for 1- and 10-page PIs.
A thread can't be stopped and a forked process can't safely share a threaded server's state,
so a bounded input is the guard that works everywhere (web, Celery, tests).
"""

from lumytic.core.models import CompanyProfile

from ..models import ProformaInvoice
from .base import InvoiceFetcher, PdfTooLarge, logo_bytes, render_logo_pdf

# About 25 lines fit on a page; 400 lines is a 16-page PI, far above any real one.
MAX_PI_LINES = 400


def tax_summary(lines) -> list[dict]:
    """Net amount and tax per tax rate, as an invoice prints them under the lines."""
    rates: dict = {}
    for line in lines:
        row = rates.setdefault(line.tax_rate, {"rate": line.tax_rate, "net": 0, "tax": 0})
        row["net"] += line.net_amount
        row["tax"] += line.tax_amount
    return [rates[rate] for rate in sorted(rates)]


def render_pi_pdf(pi: ProformaInvoice, *, fetcher: InvoiceFetcher | None = None) -> bytes:
    """The proforma invoice as an A4 PDF: logo, both parties, lines, taxes, totals, bank."""
    pi = ProformaInvoice.objects.select_related("order").get(pk=pi.pk)
    lines = list(pi.lines.all()[: MAX_PI_LINES + 1])
    if len(lines) > MAX_PI_LINES:
        raise PdfTooLarge(f"A proforma invoice PDF holds at most {MAX_PI_LINES} lines.")
    profile = CompanyProfile.load()
    logo = logo_bytes(profile)
    return render_logo_pdf(
        "sales/pdf/proforma_invoice.html",
        {
            "pi": pi,
            "order": pi.order,
            "lines": lines,
            "taxes": tax_summary(lines),
        },
        logo=logo,
        fetcher=fetcher or InvoiceFetcher(logo=logo),
    )
