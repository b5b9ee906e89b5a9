"""PI services and office pages: issue, send, signed uploads, approve, reject; emails, versions."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lumytic.core.workflow import InvalidTransition
from sales.models import Order, ProformaInvoice, SignedDocument
from sales.services.invoicing import (
    InvoiceError,
    approve_signed_pi,
    issue_pi,
    reject_signed_pi,
    send_pi,
    upload_signed_pi,
)
from sales.services.orders import OrderError, confirm_order, create_order
from tests.factories import StaffFactory
from tests.helpers import assert_pdf_attachment, link_in
from tests.sales.helpers import BILLING, PDF, emails, line, pdf_upload, png_bytes, status_of, verbs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "seller")]


# --- Issue ---------------------------------------------------------------------------------------


def test_issuing_freezes_number_amounts_lines_dates_seller_and_bank(order, owner, seller):
    pi = issue_pi(order=order, by=owner)

    assert pi.number.startswith(f"PI-{timezone.localdate().year}-") and len(pi.number) == 13
    assert pi.status == ProformaInvoice.Status.DRAFT
    assert (pi.currency, pi.subtotal, pi.discount_total, pi.tax_total, pi.total) == (
        "USD",
        Decimal("25.50"),
        Decimal("0.55"),
        Decimal("1.25"),
        Decimal("26.20"),
    )
    assert (pi.total, pi.subtotal) == (order.total, order.subtotal)
    assert pi.issue_date == timezone.localdate()
    assert pi.due_date == pi.issue_date + timedelta(days=14)
    assert [(row.description, row.quantity, row.net_amount) for row in pi.lines.all()] == [
        ("Widget", Decimal("2.000"), Decimal("20.00")),
        ("Cable", Decimal("1.000"), Decimal("4.95")),
    ]
    assert pi.customer_name == "Falcon Logistics" and "Omar Khalil" in pi.bill_to
    assert (pi.seller_name, pi.bank_iban, pi.bank_swift) == (
        "Lumytic Trading LLC",
        "AE070331234567890123456",
        "EBILAEAD",
    )
    assert status_of(order) == Order.Status.CONFIRMED  # sending moves the order, not issuing
    assert "proforma invoice issued" in verbs(order)


def test_the_pi_keeps_its_frozen_lines_totals_and_bank_when_the_sources_change(
    sent_pi, order, seller
):
    """Nothing may edit a confirmed order, but even a direct change leaves the PI as it was."""
    order.lines.update(description="Changed", unit_price=Decimal("999"))
    Order.objects.filter(pk=order.pk).update(total=Decimal("999"))
    seller.bank_iban = "CHANGED"
    seller.save()

    sent_pi.refresh_from_db()
    assert sent_pi.total == Decimal("26.20") and sent_pi.bank_iban == "AE070331234567890123456"
    assert [row.description for row in sent_pi.lines.all()] == ["Widget", "Cable"]


def test_an_order_gets_one_pi_only(order, owner):
    issue_pi(order=order, by=owner)
    with pytest.raises(InvoiceError, match="already has a proforma invoice"):
        issue_pi(order=order, by=owner)
    assert ProformaInvoice.objects.count() == 1


@pytest.mark.parametrize("status", ["submitted", "pi_sent", "cancelled"])
def test_only_a_confirmed_order_gets_a_pi(buyer, owner, status):
    order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()])
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        issue_pi(order=order, by=owner)
    assert not ProformaInvoice.objects.exists()


def test_the_pi_number_is_never_reused(buyer, owner):
    numbers = []
    for _ in range(2):
        order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()])
        confirm_order(order=order, by=buyer, billing=BILLING)
        numbers.append(issue_pi(order=order, by=owner).number)
    assert numbers[0] != numbers[1] and int(numbers[1][-5:]) == int(numbers[0][-5:]) + 1


# --- Send ----------------------------------------------------------------------------------------


def test_sending_moves_the_order_and_emails_the_customer_the_pdf(order, owner, buyer):
    pi = issue_pi(order=order, by=owner)
    send_pi(pi=pi, by=owner)

    pi.refresh_from_db()
    assert pi.status == ProformaInvoice.Status.SENT and pi.sent_at
    assert status_of(order) == Order.Status.PI_SENT
    [email] = emails("pi_sent")
    assert email.to_email == buyer.email == "omar@falcon.test"
    assert pi.number in email.subject and order.number in email.subject
    assert pi.number in email.body_text and order.number in email.body_text
    assert f"/portal/orders/{order.pk}/" in email.body_text  # the customer's own side
    assert "/office/" not in email.body_text
    [attachment] = email.attachments.all()
    assert attachment.filename == f"{pi.number}.pdf" and attachment.mimetype == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF")
    assert "proforma invoice sent" in verbs(order)


def test_a_sent_pi_cannot_be_sent_again(sent_pi, owner):
    with pytest.raises(InvoiceError, match="already sent"):
        send_pi(pi=sent_pi, by=owner)
    assert len(emails("pi_sent")) == 1


def test_a_pi_of_a_cancelled_order_is_not_sent(order, owner):
    pi = issue_pi(order=order, by=owner)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with pytest.raises(InvalidTransition):
        send_pi(pi=pi, by=owner)
    pi.refresh_from_db()
    assert pi.status == ProformaInvoice.Status.DRAFT and not emails("pi_sent")


# --- Upload --------------------------------------------------------------------------------------


def test_uploading_keeps_a_version_with_uploader_time_size_and_hash(sent_pi, buyer, owner, media):
    before = timezone.now()
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload(name="my signed PI.pdf"))

    assert document.version == 1 and document.status == SignedDocument.Status.PENDING
    assert document.uploaded_by == buyer and document.uploaded_at >= before
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.original_name == "my signed PI.pdf"
    assert (
        document.file.name.startswith("sales/signed/") and "signed" not in document.file.name[13:]
    )
    assert (media / document.file.name).read_bytes() == PDF
    assert status_of(sent_pi.order) == Order.Status.PI_SIGNED
    [email] = emails("pi_signed")
    assert email.to_email == "owner@lumytic.test"
    assert sent_pi.number in email.body_text and sent_pi.order.number in email.body_text
    assert f"/office/orders/{sent_pi.order_id}/" in email.body_text  # the staff side
    assert "signed proforma invoice uploaded" in verbs(sent_pi.order)


def test_a_path_traversal_name_is_stored_under_a_generated_name(sent_pi, buyer, media):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload(name="../../etc/passwd.pdf"))
    assert ".." not in document.file.name and "passwd" not in document.file.name
    assert document.file.name.startswith("sales/signed/") and document.file.name.endswith(".pdf")
    assert (media / document.file.name).is_file()
    assert "/" not in document.original_name and ".." not in document.original_name


def test_upload_is_refused_unless_the_order_waits_for_the_signature(order, owner, buyer):
    pi = issue_pi(order=order, by=owner)
    with pytest.raises(InvoiceError, match="can't be uploaded now"):
        upload_signed_pi(pi=pi, by=buyer, file=pdf_upload())  # a draft PI
    send_pi(pi=pi, by=owner)
    upload_signed_pi(pi=pi, by=buyer, file=pdf_upload())
    with pytest.raises(InvoiceError, match="can't be uploaded now"):
        upload_signed_pi(pi=pi, by=buyer, file=pdf_upload())  # already waiting for review
    assert SignedDocument.objects.count() == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("invoice.pdf", b"<html><body><script>alert(1)</script></body></html>", "not an accepted"),
        ("scan.png", None, "contains markup"),
        ("sign.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not an accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_that_are_not_a_clean_pdf_png_or_jpeg_are_refused(
    sent_pi, buyer, name, content, message
):
    content = (
        png_bytes() + b"<html><script>alert(1)</script></html>" if content is None else content
    )
    with pytest.raises(InvoiceError, match=message):
        upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload(content, name))
    assert not SignedDocument.objects.exists()
    assert status_of(sent_pi.order) == Order.Status.PI_SENT


def test_an_oversized_file_is_refused(sent_pi, buyer, monkeypatch):
    monkeypatch.setattr("sales.models.SIGNED_DOCUMENT_VALIDATOR.max_bytes", 1024)
    with pytest.raises(InvoiceError, match="too large"):
        upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload(PDF + b"0" * 2048))
    assert not SignedDocument.objects.exists()


def test_a_png_scan_is_accepted(sent_pi, buyer):
    document = upload_signed_pi(
        pi=sent_pi, by=buyer, file=SimpleUploadedFile("scan.png", png_bytes(), "image/png")
    )
    assert document.file.name.endswith(".png")


# --- Approve and reject --------------------------------------------------------------------------


def test_approving_moves_the_order_and_tells_the_customer(sent_pi, buyer, owner):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    approve_signed_pi(document=document, by=owner)

    document.refresh_from_db()
    assert document.status == SignedDocument.Status.APPROVED
    assert document.decided_by == owner and document.decided_at
    assert status_of(sent_pi.order) == Order.Status.PI_APPROVED
    [email] = emails("pi_signed_approved")
    assert email.to_email == buyer.email
    assert sent_pi.number in email.body_text and sent_pi.order.number in email.body_text
    assert f"/portal/orders/{sent_pi.order_id}/" in email.body_text
    assert "signed proforma invoice approved" in verbs(sent_pi.order)


def test_rejecting_needs_a_reason(sent_pi, buyer, owner):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    with pytest.raises(InvoiceError, match="reason"):
        reject_signed_pi(document=document, by=owner, reason="   ")
    document.refresh_from_db()
    assert document.status == SignedDocument.Status.PENDING
    assert status_of(sent_pi.order) == Order.Status.PI_SIGNED


def test_rejected_and_uploaded_again_keeps_every_version(sent_pi, buyer, owner):
    first = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload(PDF + b"% v1\n"))
    reject_signed_pi(document=first, by=owner, reason="The signature is missing on page 2.")

    assert status_of(sent_pi.order) == Order.Status.PI_SENT
    [email] = emails("pi_signed_rejected")
    assert email.to_email == buyer.email
    assert "The signature is missing on page 2." in email.body_text
    assert sent_pi.number in email.body_text and sent_pi.order.number in email.body_text
    assert f"/portal/orders/{sent_pi.order_id}/" in email.body_text
    assert email.from_email.startswith('"LUMYTIC | Customer Portal"') or (
        "Customer Portal" in email.from_email
    )

    second = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload(PDF + b"% v2\n"))
    approve_signed_pi(document=second, by=owner)

    versions = list(sent_pi.signed_documents.values_list("version", "status", "sha256"))
    assert versions == [
        (2, "approved", hashlib.sha256(PDF + b"% v2\n").hexdigest()),
        (1, "rejected", hashlib.sha256(PDF + b"% v1\n").hexdigest()),
    ]
    assert status_of(sent_pi.order) == Order.Status.PI_APPROVED
    assert len(emails("pi_signed")) == 2


@pytest.mark.parametrize("decided", ["approved", "rejected"])
def test_only_a_pending_version_can_be_decided(sent_pi, buyer, owner, decided):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    if decided == "approved":
        approve_signed_pi(document=document, by=owner)
    else:
        reject_signed_pi(document=document, by=owner, reason="Blurred")
    with pytest.raises(InvoiceError, match="only a version awaiting review"):
        approve_signed_pi(document=document, by=owner)
    with pytest.raises(InvoiceError, match="only a version awaiting review"):
        reject_signed_pi(document=document, by=owner, reason="Again")
    assert len(emails("pi_signed_approved")) + len(emails("pi_signed_rejected")) == 1


def test_a_refused_step_is_an_order_error_views_already_handle(sent_pi, owner):
    with pytest.raises(OrderError):
        send_pi(pi=sent_pi, by=owner)


# --- Office pages --------------------------------------------------------------------------------


def test_staff_issue_send_download_and_approve_from_the_order_page(client, staff, order, buyer):
    page = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert "Issue proforma invoice" in page and reverse("sales:pi-issue", args=[order.pk]) in page

    response = client.post(reverse("sales:pi-issue", args=[order.pk]))
    assert response.status_code == 302
    pi = ProformaInvoice.objects.get(order=order)
    page = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert pi.number in page and reverse("sales:pi-pdf", args=[pi.pk]) in page
    assert "Send to customer" in page and "Issue proforma invoice" not in page

    pdf = client.get(reverse("sales:pi-pdf", args=[pi.pk]))
    assert_pdf_attachment(pdf, f"{pi.number}.pdf")

    assert client.post(reverse("sales:pi-send", args=[pi.pk])).status_code == 302
    assert status_of(order) == Order.Status.PI_SENT

    document = upload_signed_pi(pi=pi, by=buyer, file=pdf_upload())
    page = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert "Version 1" in page and document.sha256 in page and "signed.pdf" in page
    assert reverse("sales:signed-document-approve", args=[document.pk]) in page

    file = client.get(reverse("sales:signed-document-file", args=[document.pk]))
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert file["Content-Disposition"].startswith("attachment;")
    assert f"{pi.number}-signed-v1.pdf" in file["Content-Disposition"]
    assert file["X-Content-Type-Options"] == "nosniff"

    client.post(reverse("sales:signed-document-approve", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == "approved" and document.decided_by == staff
    assert status_of(order) == Order.Status.PI_APPROVED


def test_rejecting_without_a_reason_is_a_400_next_to_the_field(client, staff, sent_pi, buyer):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    url = reverse("sales:signed-document-reject", args=[document.pk])

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the customer a reason" in html and 'aria-invalid="true"' in html
    document.refresh_from_db()
    assert document.status == "pending"

    assert client.post(url, {"reason": "Unsigned page 2"}).status_code == 302
    document.refresh_from_db()
    assert (document.status, document.reason) == ("rejected", "Unsigned page 2")
    page = client.get(reverse("sales:order-detail", args=[sent_pi.order_id])).content.decode()
    assert "Unsigned page 2" in page


def test_refused_steps_are_messages_not_errors(client, staff, sent_pi):
    response = client.post(reverse("sales:pi-send", args=[sent_pi.pk]), follow=True)
    assert response.status_code == 200 and "already sent" in response.content.decode()
    response = client.post(reverse("sales:pi-issue", args=[sent_pi.order_id]), follow=True)
    assert "it cannot become" in response.content.decode()


def test_the_owner_email_button_opens_the_office_order_page(client, sent_pi, buyer, owner):
    upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    [email] = emails("pi_signed")
    path = link_in(email.body_text, "/office/")
    client.force_login(owner)
    assert client.get(path).status_code == 200


def test_office_files_and_steps_are_staff_only(client, sent_pi, buyer):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    urls = [
        reverse("sales:signed-document-file", args=[document.pk]),
        reverse("sales:pi-pdf", args=[sent_pi.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(buyer)
    for url in urls:
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("sales:signed-document-approve", args=[document.pk])).status_code == 403
    )
    document.refresh_from_db()
    assert document.status == "pending"


def test_missing_ids_are_404(client, staff):
    for name in ("pi-pdf", "pi-send", "signed-document-file", "signed-document-approve"):
        assert client.get(reverse(f"sales:{name}", args=[999999])).status_code in (302, 404)


def test_the_order_page_runs_the_same_queries_whatever_the_number_of_versions(
    client, staff, sent_pi, buyer, owner
):
    url = reverse("sales:order-detail", args=[sent_pi.order_id])
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        reject_signed_pi(document=document, by=owner, reason="Again")
        document = upload_signed_pi(pi=sent_pi, by=StaffFactory(), file=pdf_upload())
    with CaptureQueriesContext(connection) as four:
        html = client.get(url).content.decode()
    assert html.count('class="border rounded p-2 mb-2 signed-document"') == 4
    assert len(four) == len(one)
