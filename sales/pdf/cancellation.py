"""The cancellation order PDF (WeasyPrint, A4), from templates/sales/pdf/cancellation.html.

The same safety as the PI (sales/pdf/base.py): the fetcher serves only the project's static
files and the company logo; the customer's reason goes through Django's autoescaping and is
length-limited by the model (`REASON_MAX_CHARS`), which bounds the render time.
"""

from django.template.loader import render_to_string
from weasyprint import HTML

from lumytic.core.models import CompanyProfile

from ..models import Cancellation
from .base import LOGO_URL, PDF_ORIGIN, InvoiceFetcher, logo_bytes


def render_cancellation_pdf(
    cancellation: Cancellation, *, fetcher: InvoiceFetcher | None = None
) -> bytes:
    """The cancellation order as an A4 PDF: parties, the order, the reason, amounts, signatures."""
    cancellation = Cancellation.objects.select_related("order").get(pk=cancellation.pk)
    logo = logo_bytes(CompanyProfile.load())
    fetcher = fetcher or InvoiceFetcher(logo=logo)
    html = render_to_string(
        "sales/pdf/cancellation.html",
        {
            "cancellation": cancellation,
            "order": cancellation.order,
            "logo_url": LOGO_URL if logo else "",
        },
    )
    return HTML(string=html, base_url=PDF_ORIGIN + "/", url_fetcher=fetcher).write_pdf()
