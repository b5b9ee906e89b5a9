"""The statement of account PDF (WeasyPrint, A4), from templates/sales/pdf/statement.html.

It uses the PI's fetcher (sales/pdf/base.py): the project's static files and the company logo,
nothing else. Customer text (names, credit reasons, bank references) is autoescaped. The row
count is capped so rendering time stays bounded.
"""

from lumytic.core.models import CompanyProfile

from ..statements import Statement
from .base import InvoiceFetcher, PdfTooLarge, logo_bytes, render_logo_pdf

# About 30 rows a page: 3,000 rows is a 100-page statement, far above a sensible date range.
MAX_STATEMENT_ROWS = 3000


def render_statement_pdf(statement: Statement, *, fetcher: InvoiceFetcher | None = None) -> bytes:
    """The statement as an A4 PDF: seller, customer, period, rows with running balance."""
    if len(statement.rows) > MAX_STATEMENT_ROWS:
        raise PdfTooLarge(f"A statement PDF holds at most {MAX_STATEMENT_ROWS} rows.")
    profile = CompanyProfile.load()
    logo = logo_bytes(profile)
    return render_logo_pdf(
        "sales/pdf/statement.html",
        {
            "statement": statement,
            "customer": statement.customer,
            "company": profile,
        },
        logo=logo,
        fetcher=fetcher or InvoiceFetcher(logo=logo),
    )
