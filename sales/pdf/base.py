"""What every document PDF shares: WeasyPrint setup, the URL fetchers, the logo, the size error.

The URL fetcher loads the project's own static files and nothing else: no network, no file://,
no data: URLs, so text a customer typed can never pull a resource into a PDF. `InvoiceFetcher`
adds the company logo from the storage under one fixed URL (`LOGO_URL`).
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

logger = logging.getLogger(__name__)

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


def write_pdf(html: str, fetcher: URLFetcher) -> bytes:
    """The PDF of rendered HTML; `fetcher` decides what it may load."""
    return HTML(string=html, base_url=PDF_ORIGIN + "/", url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    """Render a PDF template with the seller's profile; only static files may be loaded."""
    html = render_to_string(template, {"company": CompanyProfile.load(), **context})
    return write_pdf(html, StaticOnlyFetcher())


LOGO_URL = f"{PDF_ORIGIN}/company-logo"
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class PdfTooLarge(ValueError):
    """The document has more lines than a PDF may be rendered for."""


class InvoiceFetcher(StaticOnlyFetcher):
    """Static files (as for every PDF) plus the company logo, read from the storage."""

    def __init__(self, logo: bytes | None = None):
        super().__init__()
        self.logo = logo
        self.fetched: list[str] = []

    def fetch(self, url, headers=None):
        self.fetched.append(url)
        if self.logo is not None and urlsplit(url)._replace(query="", fragment="").geturl() == (
            LOGO_URL
        ):
            mimetype = next(
                (mime for magic, mime in LOGO_TYPES.items() if self.logo.startswith(magic)), None
            )
            if mimetype is None:
                self.refused.append(url)
                raise ValueError("The company logo must be a PNG or JPEG image.")
            return URLFetcherResponse(url, body=self.logo, headers={"Content-Type": mimetype})
        return super().fetch(url, headers)


def render_logo_pdf(template: str, context: dict, *, logo: bytes | None, fetcher) -> bytes:
    """Render a PDF template that prints the company logo (`logo_url`, empty without one);
    `fetcher` is an InvoiceFetcher holding the same `logo`."""
    html = render_to_string(template, {**context, "logo_url": LOGO_URL if logo else ""})
    return write_pdf(html, fetcher)


def logo_bytes(profile: CompanyProfile) -> bytes | None:
    """The stored company logo (at most 2 MiB); None when there is none or it can't be read."""
    if not profile.logo:
        return None
    try:
        with profile.logo.open("rb") as handle:
            return handle.read(2_097_152)
    except OSError:
        logger.warning("The company logo %s could not be read; PDFs go without it.", profile.logo)
        return None
