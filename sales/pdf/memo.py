"""The PI memo PDF (WeasyPrint, A4), from templates/sales/pdf/memo.html.

The same safety as the PI (sales/pdf/base.py): the fetcher serves only the project's static
files and the company logo; the memo text goes through Django's autoescaping. The text is
length-limited by the model (`MEMO_MAX_CHARS`), which bounds the render time.
"""

from lumytic.core.models import CompanyProfile

from ..models import Memo
from .base import InvoiceFetcher, logo_bytes, render_logo_pdf


def render_memo_pdf(memo: Memo, *, fetcher: InvoiceFetcher | None = None) -> bytes:
    """The memo as an A4 PDF: logo, seller, the PI it amends, the memo text, signatures."""
    memo = Memo.objects.select_related("pi__order").get(pk=memo.pk)
    logo = logo_bytes(CompanyProfile.load())
    return render_logo_pdf(
        "sales/pdf/memo.html",
        {"memo": memo, "pi": memo.pi, "order": memo.pi.order},
        logo=logo,
        fetcher=fetcher or InvoiceFetcher(logo=logo),
    )
