"""Portal PI memos on the order page: the memo PDF, the signed upload and its refusals, versions,
reasons; the invoices area; other customers see nothing."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import OutboundEmail
from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import Memo, Order, SignedDocument
from sales.services.invoicing import approve_signed_pi, issue_pi, send_pi, upload_signed_pi
from sales.services.memos import reject_signed_memo, send_memo, upload_signed_memo, write_memo
from tests.factories import CustomerFactory
from tests.helpers import assert_pdf_attachment, link_in
from tests.portal.helpers import confirmed_order, order_page
from tests.sales.helpers import PDF, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("usd_site")]


def _approved_pi(customer, placed_by, owner):
    pi = send_pi(pi=issue_pi(order=confirmed_order(customer, placed_by), by=owner), by=owner)
    document = upload_signed_pi(
        pi=pi, by=placed_by, file=SimpleUploadedFile("s.pdf", PDF, "application/pdf")
    )
    approve_signed_pi(document=document, by=owner)
    return pi


@pytest.fixture
def memo(buyer, owner):
    pi = _approved_pi(buyer.contact.customer, buyer, owner)
    return send_memo(memo=write_memo(pi=pi, by=owner, text="Pay to account 42."), by=owner)


def post_file(client, memo, content: bytes, name: str = "signed-memo.pdf"):
    return client.post(
        reverse("portal:memo-upload", args=[memo.pk]), {"file": SimpleUploadedFile(name, content)}
    )


def memo_versions():
    return SignedDocument.objects.filter(memo__isnull=False)


def test_the_order_page_offers_the_memo_pdf_and_the_upload(client, memo):
    html = order_page(client, memo.pi.order_id)
    assert memo.number in html and "Pay to account 42." in html
    assert reverse("portal:memo-pdf", args=[memo.pk]) in html
    assert reverse("portal:memo-upload", args=[memo.pk]) in html

    response = client.get(reverse("portal:memo-pdf", args=[memo.pk]))
    assert_pdf_attachment(response, f"{memo.number}.pdf")


def test_the_memo_sent_button_opens_the_customers_order_page(client, memo):
    [email] = OutboundEmail.objects.filter(event="memo_sent")
    assert client.get(link_in(email.body_text, "/portal/")).status_code == 200


def test_uploading_keeps_a_version_and_shows_it(client, memo, buyer):
    assert post_file(client, memo, PDF, "my memo.pdf").status_code == 302

    document = memo_versions().get()
    assert (document.memo, document.version, document.uploaded_by) == (memo, 1, buyer)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest() and document.size == len(PDF)
    assert Order.objects.get(pk=memo.pi.order_id).status == Order.Status.MEMO_SIGNED
    html = order_page(client, memo.pi.order_id)
    assert "Awaiting review" in html and "my memo.pdf" in html
    assert reverse("portal:memo-upload", args=[memo.pk]) not in html

    file = client.get(reverse("portal:signed-document-file", args=[document.pk]))
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert f"{memo.number}-signed-v1.pdf" in file["Content-Disposition"]
    assert file["X-Content-Type-Options"] == "nosniff"


def test_a_rejected_version_shows_its_reason_and_the_upload_returns(client, memo, owner):
    post_file(client, memo, PDF)
    reject_signed_memo(document=memo_versions().get(), by=owner, reason="Stamp missing")
    html = order_page(client, memo.pi.order_id)
    assert "Rejected" in html and "Stamp missing" in html
    assert reverse("portal:memo-upload", args=[memo.pk]) in html

    assert post_file(client, memo, png_bytes(), "scan.png").status_code == 302
    assert list(memo_versions().values_list("version", "status")) == [
        (2, "pending"),
        (1, "rejected"),
    ]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("memo.pdf", b"<html><body><script>alert(1)</script></body></html>", "not an accepted"),
        ("memo.pdf", b"", "The file is empty."),
    ],
)
def test_bad_files_are_a_400_next_to_the_field(client, memo, name, content, message):
    response = post_file(client, memo, content, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "is-invalid" in html and "memo-file-error" in html
    assert not memo_versions().exists()
    assert Order.objects.get(pk=memo.pi.order_id).status == Order.Status.MEMO_SENT


def test_uploading_when_not_waiting_for_a_signature_is_a_400(client, memo):
    post_file(client, memo, PDF)
    response = post_file(client, memo, PDF)
    assert response.status_code == 400 and "can&#x27;t be uploaded now" in response.content.decode()
    assert memo_versions().count() == 1


def test_a_draft_memo_is_not_shown_to_the_customer(client, buyer, owner):
    pi = _approved_pi(buyer.contact.customer, buyer, owner)
    draft = write_memo(pi=pi, by=owner, text="Secret draft")
    html = client.get(reverse("portal:order-detail", args=[pi.order_id])).content.decode()
    assert draft.number not in html and "Secret draft" not in html
    assert client.get(reverse("portal:memo-pdf", args=[draft.pk])).status_code == 404
    assert post_file(client, draft, PDF).status_code == 404


def test_without_the_invoices_area_memos_are_hidden_and_403(client, memo, buyer):
    set_portal_access(contact=buyer.contact, by=None, areas=[Area.ORDERS])
    assert memo.number not in order_page(client, memo.pi.order_id)
    assert client.get(reverse("portal:memo-pdf", args=[memo.pk])).status_code == 403
    assert post_file(client, memo, PDF).status_code == 403
    assert not memo_versions().exists()


def test_another_customers_memo_and_signed_memo_are_404(client, buyer, owner):
    other = CustomerFactory(default_currency="USD")
    pi = _approved_pi(other, None, owner)
    memo = send_memo(memo=write_memo(pi=pi, by=owner, text="Theirs"), by=owner)
    document = upload_signed_memo(
        memo=memo, by=None, file=SimpleUploadedFile("m.pdf", PDF, "application/pdf")
    )
    assert client.get(reverse("portal:memo-pdf", args=[memo.pk])).status_code == 404
    assert post_file(client, memo, PDF).status_code == 404
    url = reverse("portal:signed-document-file", args=[document.pk])
    assert client.get(url).status_code == 404
    assert Memo.objects.get(pk=memo.pk).signed_documents.count() == 1
