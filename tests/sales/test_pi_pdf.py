"""The proforma invoice PDF: A4, numbers, lines, totals, bank details, page numbers; nothing
fetched but the project's static files and the company logo; customer text stays text."""

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from pypdf import PdfReader

from sales.models import ProformaInvoice
from sales.pdf import LOGO_URL, MAX_PI_LINES, PDF_ORIGIN, PdfTooLarge, render_pi_pdf
from sales.pdf import invoice as pdf_invoice
from sales.services.invoicing import InvoiceError, issue_pi
from sales.services.orders import confirm_order, create_order
from tests.factories import CustomerFactory, StaffFactory
from tests.sales.helpers import BILLING, line, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_on_disk")]
A4_POINTS = (595, 842)


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _pi(customer_name="Falcon Logistics", lines=None) -> ProformaInvoice:
    customer = CustomerFactory(name=customer_name, default_currency="USD")
    order = create_order(customer=customer, by=None, lines=lines or [line("Desk lamp", "2", "40")])
    confirm_order(order=order, by=None, billing=BILLING)
    return issue_pi(order=order, by=StaffFactory())


class Recording(pdf_invoice.InvoiceFetcher):
    """The real fetcher, remembering every URL WeasyPrint asks for."""

    instances: list["Recording"] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        Recording.instances.append(self)


@pytest.fixture
def recording(monkeypatch):
    Recording.instances = []
    monkeypatch.setattr(pdf_invoice, "InvoiceFetcher", Recording)
    return Recording.instances


def test_the_pdf_is_a4_with_number_order_lines_totals_bank_and_page_numbers(seller):
    pi = _pi()
    reader = PdfReader(io.BytesIO(render_pi_pdf(pi)))
    text = _text(render_pi_pdf(pi))

    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    assert pi.number in text and pi.order.number in text
    assert (
        "Proforma invoice" in text and "Falcon Logistics" in text and "Lumytic Trading LLC" in text
    )
    assert "Desk lamp" in text and "$84.00" in text  # 80.00 + 5 % tax
    assert "Omar Khalil" in text
    assert "AE070331234567890123456" in text and "EBILAEAD" in text and "Emirates NBD" in text
    assert "Page 1 / 1" in text


def test_a_long_pi_spans_pages_that_are_numbered(seller):
    pi = _pi(lines=[line(f"Item {n}", "1", "10") for n in range(60)])
    reader = PdfReader(io.BytesIO(render_pi_pdf(pi)))
    pages = len(reader.pages)
    assert pages >= 2
    assert f"Page {pages} / {pages}" in reader.pages[-1].extract_text()
    assert "Item 59" in _text(render_pi_pdf(pi))


def test_markup_in_a_customer_name_fetches_nothing_and_prints_as_text(seller, recording):
    pi = _pi(
        customer_name='<img src="file:///etc/passwd"><link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    )
    content = render_pi_pdf(pi)

    text = _text(content)
    assert '<img src="file:///etc/passwd">' in text  # escaped: shown, not loaded
    assert "root:" not in text and b"root:x:0" not in content
    asked = [url for fetcher in recording for url in fetcher.fetched]
    assert all(url.startswith(f"{PDF_ORIGIN}/static/") for url in asked), asked


def test_the_logo_comes_from_the_storage_through_the_fetcher_only(seller, recording):
    seller.logo.save("logo.png", ContentFile(png_bytes()))
    content = render_pi_pdf(_pi())

    asked = [url for fetcher in recording for url in fetcher.fetched]
    assert asked == [LOGO_URL]
    assert not recording[0].refused
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content


def test_the_fetcher_refuses_everything_but_static_files_and_the_logo():
    fetcher = pdf_invoice.InvoiceFetcher(logo=None)
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "data:text/html,<b>x</b>",
        f"{PDF_ORIGIN}/media/secret.pdf",
        f"{PDF_ORIGIN}/static/../../etc/passwd",
        LOGO_URL,  # no logo configured
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


@override_settings(STATIC_URL="/static/")
def test_the_fetcher_serves_a_project_static_file():
    response = pdf_invoice.InvoiceFetcher().fetch(f"{PDF_ORIGIN}/static/css/lumytic.css")
    assert response is not None


def test_a_pi_above_the_line_limit_is_neither_issued_nor_rendered(seller, monkeypatch):
    pi = _pi(lines=[line(f"L{n}") for n in range(3)])
    monkeypatch.setattr("sales.services.invoicing.MAX_PI_LINES", 2)
    customer = CustomerFactory(default_currency="USD")
    order = create_order(customer=customer, by=None, lines=[line(f"L{n}") for n in range(3)])
    confirm_order(order=order, by=None, billing=BILLING)
    with pytest.raises(InvoiceError, match="at most 2 lines"):
        issue_pi(order=order, by=None)

    monkeypatch.setattr(pdf_invoice, "MAX_PI_LINES", 2)
    with pytest.raises(PdfTooLarge):
        render_pi_pdf(pi)
    assert MAX_PI_LINES >= 100  # the real limit leaves room for any real PI


def test_amounts_are_printed_with_the_currency_decimals(seller):
    customer = CustomerFactory(default_currency="USD")
    order = create_order(customer=customer, by=None, lines=[line("Bolt", "3", "0.333", tax="0")])
    confirm_order(order=order, by=None, billing=BILLING)
    pi = issue_pi(order=order, by=None)
    assert pi.total == Decimal("1.00")
    assert "$1.00" in _text(render_pi_pdf(pi))
