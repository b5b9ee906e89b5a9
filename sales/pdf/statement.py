"""The statement of account PDF (WeasyPrint, A4), from templates/sales/pdf/statement.html.

It uses the PI's fetcher (sales/pdf/base.py): the project's static files and the company logo,
nothing else. Customer text (names, credit reasons, bank references) is autoescaped. The row
count is capped so rendering time stays bounded.
"""

from django.template.loader import render_to_string
from weasyprint import HTML

from lumytic.core.models import CompanyProfile

from ..statements import Statement
from .base import LOGO_URL, PDF_ORIGIN, InvoiceFetcher, PdfTooLarge, logo_bytes

# About 30 rows a page: 3,000 rows is a 100-page statement, far above a sensible date range.
MAX_STATEMENT_ROWS = 3000


def render_statement_pdf(statement: Statement, *, fetcher: InvoiceFetcher | None = None) -> bytes:
    """The statement as an A4 PDF: seller, customer, period, rows with running balance."""
    if len(statement.rows) > MAX_STATEMENT_ROWS:
        raise PdfTooLarge(f"A statement PDF holds at most {MAX_STATEMENT_ROWS} rows.")
    profile = CompanyProfile.load()
    logo = logo_bytes(profile)
    fetcher = fetcher or InvoiceFetcher(logo=logo)
    html = render_to_string(
        "sales/pdf/statement.html",
        {
            "statement": statement,
            "customer": statement.customer,
            "company": profile,
            "logo_url": LOGO_URL if logo else "",
        },
    )
    return HTML(string=html, base_url=PDF_ORIGIN + "/", url_fetcher=fetcher).write_pdf()
