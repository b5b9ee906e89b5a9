"""Document PDFs, rendered by WeasyPrint from templates in templates/sales/pdf/.

The URL fetcher loads the project's own static files and nothing else: no network, no file://,
no data: URLs, so text a customer typed can never pull a resource into a PDF.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint reports each rendering step at INFO; keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from lumytic.core.models import CompanyProfile  # noqa: E402

from .models import Quotation  # noqa: E402

# Relative URLs in PDF templates resolve against this origin, which the fetcher maps to static.
PDF_ORIGIN = "https://pdf.lumytic.invalid"


class StaticOnlyFetcher(URLFetcher):
    """Serve `{% static %}` URLs from the staticfiles finders; refuse every other URL."""

    def __init__(self):
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"PDFs load only the project's static files, not {url[:200]!r}")
        mimetype, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url,
            body=path.read_bytes(),
            headers={"Content-Type": mimetype or "application/octet-stream"},
        )

    @staticmethod
    def _static_path(url: str) -> Path | None:
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}" != PDF_ORIGIN or not parts.path.startswith(prefix):
            return None
        relative = unquote(parts.path.removeprefix(prefix))
        if not relative or ".." in Path(relative).parts:
            return None
        found = finders.find(relative)
        return Path(found) if found and Path(found).is_file() else None


def render_pdf(template: str, context: dict) -> bytes:
    """Render a PDF template with the seller's profile; only static files may be loaded."""
    html = render_to_string(template, {"company": CompanyProfile.load(), **context})
    return HTML(string=html, base_url=PDF_ORIGIN + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_quotation_pdf(quotation: Quotation) -> bytes:
    """The quotation as an A4 PDF: seller, customer, lines and totals."""
    quotation = Quotation.objects.select_related("customer", "contact").get(pk=quotation.pk)
    return render_pdf(
        "sales/pdf/quotation.html",
        {
            "quotation": quotation,
            "customer": quotation.customer,
            # Addressed to the chosen contact, else the customer's primary one.
            "contact": quotation.contact
            or quotation.customer.contacts.filter(is_primary=True).first(),
            "lines": list(quotation.lines.all()),
        },
    )
