"""Quotation PDFs: an A4 document with seller, customer, lines and totals, and nothing fetched."""

import io
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from lumytic.core.models import CompanyProfile
from sales.pdf import PDF_ORIGIN, StaticOnlyFetcher, render_pdf, render_quotation_pdf
from sales.services.quotations import create_quotation
from tests.factories import ContactFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

A4_POINTS = (595, 842)


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _quotation(customer, **kwargs):
    return create_quotation(
        customer=customer,
        by=StaffFactory(),
        lines=[
            {
                "description": "Desk lamp",
                "quantity": Decimal("2"),
                "unit_price": Decimal("40.00"),
                "discount_percent": Decimal("10"),
                "tax_rate": Decimal("5"),
            }
        ],
        **kwargs,
    )


class Recorder(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = b"img { display: none }"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_pdf_is_a4_with_the_seller_the_customer_the_lines_and_the_totals():
    profile = CompanyProfile.load()
    profile.legal_name = "Lumytic Trading LLC"
    profile.address = "Business Bay, Dubai"
    profile.tax_id = "TRN-100200"
    profile.bank_iban = "AE070331234567890123456"
    profile.save()
    customer = CustomerFactory(name="Falcon Logistics FZE", default_currency="EUR")
    contact = ContactFactory(customer=customer, first_name="Omar", last_name="Khalil")
    quotation = _quotation(customer, contact=contact, terms="Payment: 30 days net")

    content = render_quotation_pdf(quotation)

    reader = PdfReader(io.BytesIO(content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == A4_POINTS
    text = _text(content)
    for expected in (
        quotation.number,
        "Lumytic Trading LLC",
        "TRN-100200",
        "Falcon Logistics FZE",
        customer.number,
        "Omar Khalil",
        "Desk lamp",
        "€72.00",  # the line's net amount
        "€3.60",  # tax
        "€75.60",  # total
        "Payment: 30 days net",
        "AE070331234567890123456",
        "Page 1 / 1",
        f"Lumytic Trading LLC · Quotation {quotation.number}",  # the running footer
    ):
        assert expected in text, expected


def test_customer_text_is_escaped_and_loads_nothing(listener, settings):
    """A name that is markup stays text: no file is read, no request leaves the renderer."""
    settings.SITE_URL = f"http://127.0.0.1:{listener.server_address[1]}"
    base = f"http://127.0.0.1:{listener.server_address[1]}"
    customer = CustomerFactory(
        name='<img src="file:///etc/passwd"><link rel="stylesheet" href="' + base + '/x.css">',
        address=f'<img src="{base}/pixel.png">\n<iframe src="file:///etc/hostname"></iframe>',
    )
    quotation = _quotation(customer, terms=f'<style>@import "{base}/evil.css";</style>')

    content = render_quotation_pdf(quotation)

    assert listener.requests == []
    text = _text(content)
    assert "root:" not in text and "/bin/" not in text
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "")  # shown, not obeyed
    assert "@import" in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
        f"{PDF_ORIGIN}/static/../../etc/passwd",
        f"{PDF_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{PDF_ORIGIN}/media/company/logo.png",
        f"{PDF_ORIGIN}/static/css/missing.css",
        "https://pdf.lumytic.invalid.evil.test/static/css/lumytic.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(ValueError, match="only the project's static files"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_the_projects_static_files():
    response = StaticOnlyFetcher().fetch(f"{PDF_ORIGIN}/static/css/lumytic.css")
    assert b"Lumytic" in response.read()
    assert response.content_type == "text/css"


def test_a_template_referring_to_a_static_file_renders_and_to_anything_else_does_not_fetch(
    listener, tmp_path, settings
):
    """Even raw markup (not customer text) can only reach static files through the fetcher."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]
    port = listener.server_address[1]
    (tmp_path / "probe.html").write_text(
        "{% load static %}<html><head>"
        "<link rel='stylesheet' href='{% static \"css/lumytic.css\" %}'>"
        f"<link rel='stylesheet' href='http://127.0.0.1:{port}/a.css'></head>"
        f"<body><img src='http://127.0.0.1:{port}/b.png'><img src='file:///etc/passwd'>"
        "<p>Probe</p></body></html>"
    )
    content = render_pdf("probe.html", {})
    assert listener.requests == []
    assert "Probe" in _text(content)
