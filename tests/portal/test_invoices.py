"""Portal proforma invoices on the order page: the PDF, the signed upload and its refusals, the
versions and their downloads; the invoices area; other customers and colleagues see nothing."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import OutboundEmail
from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import Order, SignedDocument
from sales.services.invoicing import issue_pi, reject_signed_pi, send_pi, upload_signed_pi
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.helpers import assert_pdf_attachment, link_in
from tests.portal.helpers import confirmed_order, order_page
from tests.sales.helpers import PDF, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("usd_site")]


@pytest.fixture
def pi(buyer, owner):
    pi = issue_pi(order=confirmed_order(buyer.contact.customer, buyer), by=owner)
    return send_pi(pi=pi, by=owner)


def post_file(client, pi, content: bytes, name: str = "signed.pdf"):
    return client.post(
        reverse("portal:pi-upload", args=[pi.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_order_page_offers_the_pdf_and_the_upload(client, pi):
    html = order_page(client, pi.order_id)
    assert pi.number in html and reverse("portal:pi-pdf", args=[pi.pk]) in html
    assert (
        reverse("portal:pi-upload", args=[pi.pk]) in html
        and 'enctype="multipart/form-data"' in html
    )

    response = client.get(reverse("portal:pi-pdf", args=[pi.pk]))
    assert_pdf_attachment(response, f"{pi.number}.pdf")


def test_the_pi_sent_button_opens_the_customers_order_page(client, pi):
    [email] = OutboundEmail.objects.filter(event="pi_sent")
    assert client.get(link_in(email.body_text, "/portal/")).status_code == 200


def test_uploading_keeps_a_version_and_shows_it(client, pi, buyer):
    response = post_file(client, pi, PDF, "my signed.pdf")
    assert response.status_code == 302

    document = SignedDocument.objects.get()
    assert (document.version, document.uploaded_by, document.size) == (1, buyer, len(PDF))
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    html = order_page(client, pi.order_id)
    assert "Version 1" in html and "Awaiting review" in html and "my signed.pdf" in html
    assert reverse("portal:pi-upload", args=[pi.pk]) not in html  # waiting for review now

    file = client.get(reverse("portal:signed-document-file", args=[document.pk]))
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert file["Content-Disposition"].startswith("attachment;")
    assert file["X-Content-Type-Options"] == "nosniff"


def test_a_rejected_version_shows_its_reason_and_the_upload_returns(client, pi, buyer, owner):
    post_file(client, pi, PDF)
    reject_signed_pi(document=SignedDocument.objects.get(), by=owner, reason="Stamp missing")
    html = order_page(client, pi.order_id)
    assert "Rejected" in html and "Stamp missing" in html
    assert reverse("portal:pi-upload", args=[pi.pk]) in html

    assert post_file(client, pi, png_bytes(), "scan.png").status_code == 302
    assert list(SignedDocument.objects.values_list("version", "status")) == [
        (2, "pending"),
        (1, "rejected"),
    ]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("invoice.pdf", b"<html><body><script>alert(1)</script></body></html>", "not an accepted"),
        ("scan.png", b"PNG+HTML", "contains markup"),
        ("sign.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not an accepted"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_bad_files_are_a_400_with_the_reason_next_to_the_field(client, pi, name, content, message):
    if content == b"PNG+HTML":
        content = png_bytes() + b"<html><script>alert(1)</script></html>"
    response = post_file(client, pi, content, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "is-invalid" in html and "invalid-feedback" in html
    assert not SignedDocument.objects.exists()
    assert Order.objects.get(pk=pi.order_id).status == Order.Status.PI_SENT


def test_an_oversized_file_is_a_400(client, pi, monkeypatch):
    monkeypatch.setattr("sales.models.SIGNED_DOCUMENT_VALIDATOR.max_bytes", 1024)
    response = post_file(client, pi, PDF + b"0" * 4096)
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not SignedDocument.objects.exists()


def test_no_file_is_a_400(client, pi):
    response = client.post(reverse("portal:pi-upload", args=[pi.pk]), {})
    assert response.status_code == 400
    assert "Choose the signed file to upload." in response.content.decode()


def test_a_path_traversal_name_is_stored_under_a_generated_name(client, pi, tmp_path):
    assert post_file(client, pi, PDF, "../../etc/passwd.pdf").status_code == 302
    document = SignedDocument.objects.get()
    assert document.file.name.startswith("sales/signed/") and "passwd" not in document.file.name
    assert (tmp_path / document.file.name).read_bytes() == PDF
    assert "/" not in document.original_name


def test_uploading_when_not_waiting_for_a_signature_is_a_400(client, pi):
    post_file(client, pi, PDF)
    response = post_file(client, pi, PDF)
    assert response.status_code == 400 and "can&#x27;t be uploaded now" in response.content.decode()
    assert SignedDocument.objects.count() == 1


def test_without_the_invoices_area_pis_are_hidden_and_403(client, pi, buyer):
    document = upload_signed_pi(
        pi=pi, by=buyer, file=SimpleUploadedFile("s.pdf", PDF, "application/pdf")
    )
    set_portal_access(contact=buyer.contact, by=None, areas=[Area.ORDERS])
    html = order_page(client, pi.order_id)
    assert pi.number not in html and "pi-section" not in html
    for url in (
        reverse("portal:pi-pdf", args=[pi.pk]),
        reverse("portal:signed-document-file", args=[document.pk]),
    ):
        assert client.get(url).status_code == 403
    assert post_file(client, pi, PDF).status_code == 403
    assert SignedDocument.objects.count() == 1


def test_a_draft_pi_is_not_shown_to_the_customer(client, buyer, owner):
    pi = issue_pi(order=confirmed_order(buyer.contact.customer, buyer), by=owner)
    assert pi.number not in order_page(client, pi.order_id)
    assert client.get(reverse("portal:pi-pdf", args=[pi.pk])).status_code == 404
    assert post_file(client, pi, PDF).status_code == 404


def test_a_colleagues_pi_is_404_under_only_my_own_orders(client, buyer, owner):
    colleague = PortalContactFactory(customer=buyer.contact.customer, is_primary=False)
    pi = issue_pi(order=confirmed_order(buyer.contact.customer, colleague.user), by=owner)
    send_pi(pi=pi, by=owner)
    document = upload_signed_pi(
        pi=pi, by=colleague.user, file=SimpleUploadedFile("s.pdf", PDF, "application/pdf")
    )
    assert client.get(reverse("portal:pi-pdf", args=[pi.pk])).status_code == 200
    set_portal_access(
        contact=buyer.contact, by=None, areas=[Area.ORDERS, Area.INVOICES], own_orders_only=True
    )
    assert client.get(reverse("portal:pi-pdf", args=[pi.pk])).status_code == 404
    url = reverse("portal:signed-document-file", args=[document.pk])
    assert client.get(url).status_code == 404


def test_staff_get_403_on_portal_invoice_urls(client, pi):
    client.force_login(StaffFactory())
    assert client.get(reverse("portal:pi-pdf", args=[pi.pk])).status_code == 403


def test_another_customers_pi_is_404(client, buyer, owner):
    other = issue_pi(order=confirmed_order(CustomerFactory(default_currency="USD")), by=owner)
    send_pi(pi=other, by=owner)
    assert client.get(reverse("portal:pi-pdf", args=[other.pk])).status_code == 404
    assert post_file(client, other, PDF).status_code == 404
