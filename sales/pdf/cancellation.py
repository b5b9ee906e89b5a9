"""The cancellation order PDF (WeasyPrint, A4), from templates/sales/pdf/cancellation.html.

The same safety as the PI (sales/pdf/base.py): the fetcher serves only the project's static
files and the company logo; the customer's reason goes through Django's autoescaping and is
length-limited by the model (`REASON_MAX_CHARS`), which bounds the render time.
"""

from lumytic.core.models import CompanyProfile

from ..models import Cancellation
from .base import InvoiceFetcher, logo_bytes, render_logo_pdf


def render_cancellation_pdf(
    cancellation: Cancellation, *, fetcher: InvoiceFetcher | None = None
) -> bytes:
    """The cancellation order as an A4 PDF: parties, the order, the reason, amounts, signatures."""
    cancellation = Cancellation.objects.select_related("order").get(pk=cancellation.pk)
    logo = logo_bytes(CompanyProfile.load())
    return render_logo_pdf(
        "sales/pdf/cancellation.html",
        {
            "cancellation": cancellation,
            "order": cancellation.order,
        },
        logo=logo,
        fetcher=fetcher or InvoiceFetcher(logo=logo),
    )
