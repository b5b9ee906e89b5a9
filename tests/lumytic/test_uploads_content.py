"""Uploads are typed by their content: stored extension, served type and download name come
from the bytes; PDFs that would run something are refused; shown names hide nothing."""

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conversations.models import Attachment
from conversations.services import open_ticket
from lumytic.core.uploads import ContentTypeValidator, display_name, pdf_active_content
from portal.models import Area, RegistrationRequest
from sales.models import Payment
from tests.factories import StaffFactory
from tests.portal.helpers import acme_buyer
from tests.portal.signup import form_data
from tests.sales.helpers import approved_pi, pay

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer <<>>\n%%EOF\n"
RLO = "\u202e"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_with(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def refusal(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        ContentTypeValidator()(SimpleUploadedFile("file.pdf", content))
    return caught.value


@pytest.fixture(autouse=True)
def _settings(usd_site):
    """Every test here runs with the shared order-flow settings (tests/conftest.py)."""


@pytest.fixture
def owner():
    return StaffFactory(email="owner@lumytic.test")


@pytest.fixture
def buyer(client, owner):
    contact = acme_buyer(owner, Area.values)
    client.force_login(contact.user)
    return contact.user


@pytest.fixture
def pi(buyer, owner):
    return approved_pi(buyer.contact.customer, buyer, owner)


def download(client, url) -> tuple[str, str, bytes]:
    response = client.get(url)
    assert response.status_code == 200
    return (
        response["Content-Type"],
        response["Content-Disposition"],
        b"".join(response.streaming_content),
    )


# --- Active PDFs ---------------------------------------------------------------------------------

ACTIVE_PDFS = {
    "open action script": b"1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript "
    b"/JS (app.alert(1)) >> >> endobj",
    "open action by reference": b"1 0 obj << /Type /Catalog /OpenAction 5 0 R >> endobj",
    "hex-escaped name": b"1 0 obj << /Type /Catalog /Names << /J#61vaScript 4 0 R >> >> endobj",
    "launch": b"4 0 obj << /S /Launch /F (calc.exe) >> endobj",
    "embedded file": b"4 0 obj << /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream endobj",
    "page additional action": b"3 0 obj << /Type /Page /AA << /O 4 0 R >> >> endobj",
}


@pytest.mark.parametrize("body", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_with_active_content_is_refused_with_a_clear_message(body):
    error = refusal(pdf_with(body))
    assert error.code == "active_pdf"
    assert "contains active content" in error.messages[0]
    assert "Print it to a new PDF" in error.messages[0]


def test_a_script_hidden_in_a_compressed_object_stream_is_refused():
    hidden = zlib.compress(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>")
    body = (
        b"7 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(hidden)
        + hidden
        + b"\nendstream endobj"
    )
    assert refusal(pdf_with(body)).code == "active_pdf"


def test_an_object_stream_that_cannot_be_inflated_is_not_trusted():
    body = b"7 0 obj << /Type /ObjStm /Filter /ASCIIHexDecode >>\nstream\n41\nendstream endobj"
    assert refusal(pdf_with(body)).code == "unchecked_pdf"


def test_an_object_hidden_inside_another_streams_data_is_still_read():
    body = (
        b"6 0 obj << /Length 80 >>\nstream\n9 0 obj << /OpenAction << /S /Launch >> >> endobj\n"
        b"endstream endobj"
    )
    assert pdf_active_content(pdf_with(body)) == "active"


def test_plain_pdfs_pass_a_page_to_open_at_included():
    ContentTypeValidator()(SimpleUploadedFile("a.pdf", PDF))
    opens_at_page = pdf_with(b"1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] >> endobj")
    ContentTypeValidator()(SimpleUploadedFile("a.pdf", opens_at_page))


def test_names_turning_up_by_chance_in_binary_stream_data_are_ignored():
    body = b"6 0 obj << /Length 12 >>\nstream\n\x89/JS \x00/AA \xff\nendstream endobj"
    assert pdf_active_content(pdf_with(body)) is None


def test_pdfs_weasyprint_makes_are_accepted():
    from weasyprint import HTML

    content = HTML(string="<h1>Signed</h1><a href='https://lumytic.test'>link</a>").write_pdf()
    ContentTypeValidator()(SimpleUploadedFile("signed.pdf", content))


# --- Shown names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,kind,shown",
    [
        (f"invoice{RLO}fdp.exe", "pdf", "invoicefdp.pdf"),
        (f"invoice{RLO}gpj.pdf", "png", "invoicegpj.png"),
        ("proof.pdf", "png", "proof.png"),
        ("scan", "pdf", "scan.pdf"),
        ("photo.JPEG", "jpeg", "photo.JPEG"),
        ("photo.jpg", "jpeg", "photo.jpg"),
        ("a\u2066b\u2069\u200b\u2028c.pdf", "pdf", "abc.pdf"),
        ("fdp.exe", None, "fdp.exe"),
        ("contract v1.2 final", "pdf", "contract v1.2 final.pdf"),
        ("proof.tar.gz", "png", "proof.tar.png"),
    ],
)
def test_shown_names_lose_direction_controls_and_carry_the_real_extension(name, kind, shown):
    assert display_name(name, kind=kind) == shown


# --- Stored and served by content ---------------------------------------------------------------


def test_a_png_named_pdf_is_stored_and_served_as_a_png(client, pi, buyer):
    payment = pay(pi, buyer, "10", file=SimpleUploadedFile("proof.pdf", png()))
    assert payment.file.name.endswith(".png") and payment.original_name == "proof.png"
    content_type, disposition, body = download(
        client, reverse("portal:payment-file", args=[payment.pk])
    )
    assert content_type == "image/png"
    assert disposition == f'attachment; filename="{pi.number}-payment-{payment.pk}.png"'
    assert body == png()
    page = client.get(reverse("portal:order-detail", args=[pi.order_id])).content.decode()
    assert "proof.png" in page and "proof.pdf" not in page


@pytest.mark.parametrize("name", ["scan.jpg", "scan"])
def test_a_pdf_named_jpg_or_without_extension_is_a_pdf(client, pi, buyer, name):
    payment = pay(pi, buyer, "10", file=SimpleUploadedFile(name, PDF))
    assert payment.file.name.endswith(".pdf") and payment.original_name == "scan.pdf"
    content_type, disposition, _body = download(
        client, reverse("portal:payment-file", args=[payment.pk])
    )
    assert content_type == "application/pdf"
    assert disposition == f'attachment; filename="{pi.number}-payment-{payment.pk}.pdf"'


def test_a_wrongly_stored_old_file_is_still_served_by_its_content(client, pi, buyer):
    """Files kept before this check may carry the client's extension; the bytes still decide."""
    payment = pay(pi, buyer, "10", file=SimpleUploadedFile("proof.png", png()))
    stored = payment.file.storage.save("payments/proofs/old.pdf", io.BytesIO(png()))
    Payment.objects.filter(pk=payment.pk).update(file=stored)
    content_type, disposition, _body = download(
        client, reverse("portal:payment-file", args=[payment.pk])
    )
    assert content_type == "image/png" and disposition.endswith('.png"')


def test_a_pdf_with_an_open_action_script_is_refused_next_to_the_field(client, pi, buyer):
    script = pdf_with(ACTIVE_PDFS["open action script"])
    response = client.post(
        reverse("portal:payment-upload", args=[pi.pk]),
        {
            "amount": "10",
            "paid_on": "2026-01-05",
            "bank_reference": "FT1",
            "file": SimpleUploadedFile("swift.pdf", script),
        },
    )
    assert response.status_code == 400
    assert "This PDF contains active content" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_right_to_left_override_name_is_shown_and_served_clean(client, buyer, owner):
    ticket = open_ticket(
        customer=buyer.contact.customer,
        by=buyer,
        subject="Invoice",
        body="See attached",
        files=[SimpleUploadedFile(f"invoice{RLO}fdp.exe", PDF)],
    )
    attachment = Attachment.objects.get()
    assert attachment.original_name == "invoicefdp.pdf" and attachment.file.name.endswith(".pdf")
    content_type, disposition, _body = download(
        client, reverse("portal:message-attachment", args=[attachment.pk])
    )
    assert content_type == "application/pdf"
    assert disposition == 'attachment; filename="invoicefdp.pdf"'
    page = client.get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()
    assert "invoicefdp.pdf" in page and RLO not in page and ".exe" not in page


def test_a_signup_cr_file_named_pdf_that_is_a_png_is_kept_as_a_png(client):
    data = form_data(cr_file=SimpleUploadedFile("cr.pdf", png()))
    assert client.post(reverse("portal:signup"), data).status_code == 302
    assert RegistrationRequest.objects.get().cr_file.name.endswith(".png")


def test_a_signup_cr_file_with_a_script_is_refused_next_to_the_field(client):
    script = pdf_with(ACTIVE_PDFS["open action script"])
    response = client.post(
        reverse("portal:signup"), form_data(cr_file=SimpleUploadedFile("cr.pdf", script))
    )
    assert response.status_code == 400
    assert "This PDF contains active content" in response.content.decode()
    assert not RegistrationRequest.objects.exists()
