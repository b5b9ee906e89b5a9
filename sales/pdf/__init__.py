"""Document PDFs, rendered by WeasyPrint from templates/sales/pdf/; import them from here.

`base` holds what they share (the static-only URL fetcher, the logo, `PdfTooLarge`); each other
module renders one document: `quotation`, `invoice` (the PI), `memo`, `statement`, `cancellation`.
"""

from .base import (
    LOGO_URL,
    PDF_ORIGIN,
    InvoiceFetcher,
    PdfTooLarge,
    StaticOnlyFetcher,
    logo_bytes,
    render_pdf,
)
from .cancellation import render_cancellation_pdf
from .invoice import MAX_PI_LINES, render_pi_pdf
from .memo import render_memo_pdf
from .quotation import render_quotation_pdf
from .statement import render_statement_pdf

__all__ = [
    "LOGO_URL",
    "MAX_PI_LINES",
    "PDF_ORIGIN",
    "InvoiceFetcher",
    "PdfTooLarge",
    "StaticOnlyFetcher",
    "logo_bytes",
    "render_cancellation_pdf",
    "render_memo_pdf",
    "render_pdf",
    "render_pi_pdf",
    "render_quotation_pdf",
    "render_statement_pdf",
]
