"""PI memos: write, send (PDF attached), signed uploads, approve, reject; emails, versions, the
PDF's safety, the office pages, and payment after a signed memo."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sales.models import MEMO_MAX_CHARS, Memo, Order, SignedDocument
from sales.pdf import PDF_ORIGIN, InvoiceFetcher, render_memo_pdf
from sales.services.invoicing import (
    InvoiceError,
    approve_signed_pi,
    reject_signed_pi,
    upload_signed_pi,
)
from sales.services.memos import (
    MemoError,
    approve_signed_memo,
    reject_signed_memo,
    send_memo,
    upload_signed_memo,
    write_memo,
)
from sales.services.orders import OrderError
from sales.services.payments import confirm_payment, reject_payment, upload_payment
from tests.helpers import assert_pdf_attachment, link_in
from tests.sales.helpers import PDF, emails, pay, pdf_upload, status_of, verbs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "seller")]
TEXT = "Please pay to the new account.\nReference: the memo number."


@pytest.fixture
def approved_pi(sent_pi, buyer, owner):
    document = upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    approve_signed_pi(document=document, by=owner)
    return sent_pi


@pytest.fixture
def sent_memo(approved_pi, owner):
    return send_memo(memo=write_memo(pi=approved_pi, by=owner, text=TEXT), by=owner)


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def proof() -> SimpleUploadedFile:
    return SimpleUploadedFile("swift.pdf", PDF, content_type="application/pdf")


# --- Write ---------------------------------------------------------------------------------------


def test_writing_a_memo_makes_a_numbered_draft(approved_pi, owner):
    memo = write_memo(pi=approved_pi, by=owner, text=f"  {TEXT}  ")

    assert memo.number.startswith(f"MEMO-{timezone.localdate().year}-") and len(memo.number) == 15
    assert (memo.pi, memo.text, memo.status, memo.created_by) == (approved_pi, TEXT, "draft", owner)
    assert status_of(approved_pi.order) == Order.Status.PI_APPROVED  # a draft changes nothing
    assert not emails("memo_sent")
    assert "memo written" in verbs(approved_pi.order)


def test_numbers_are_sequential(approved_pi, owner):
    first = send_memo(memo=write_memo(pi=approved_pi, by=owner, text="One"), by=owner)
    upload_signed_memo(memo=first, by=approved_pi.order.placed_by, file=pdf_upload())
    approve_signed_memo(document=first.signed_documents.get(), by=owner)
    second = write_memo(pi=approved_pi, by=owner, text="Two")
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_a_memo_is_refused_before_the_signed_pi_is_approved(sent_pi, owner, buyer):
    with pytest.raises(MemoError, match="once the signed proforma invoice is approved"):
        write_memo(pi=sent_pi, by=owner, text=TEXT)  # pi_sent
    upload_signed_pi(pi=sent_pi, by=buyer, file=pdf_upload())
    with pytest.raises(MemoError, match="once the signed proforma invoice is approved"):
        write_memo(pi=sent_pi, by=owner, text=TEXT)  # pi_signed
    assert not Memo.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (MEMO_MAX_CHARS + 1)])
def test_empty_or_overlong_text_is_refused(approved_pi, owner, text):
    with pytest.raises(MemoError, match="memo"):
        write_memo(pi=approved_pi, by=owner, text=text)
    assert not Memo.objects.exists()


def test_one_draft_at_a_time(approved_pi, owner):
    write_memo(pi=approved_pi, by=owner, text=TEXT)
    with pytest.raises(MemoError, match="Send the draft memo"):
        write_memo(pi=approved_pi, by=owner, text="Another")
    assert Memo.objects.count() == 1


def test_no_memo_while_the_last_one_waits_for_its_signature(sent_memo, owner):
    with pytest.raises(MemoError):
        write_memo(pi=sent_memo.pi, by=owner, text="Another")  # memo_sent


def test_no_memo_once_payment_is_uploaded(approved_pi, owner, buyer):
    pay(approved_pi, buyer, "1.00", bank_reference="FT1")
    with pytest.raises(MemoError, match="payment uploaded"):
        write_memo(pi=approved_pi, by=owner, text=TEXT)


# --- Send ----------------------------------------------------------------------------------------


def test_sending_moves_the_order_and_emails_the_customer_the_pdf(approved_pi, owner, buyer):
    memo = write_memo(pi=approved_pi, by=owner, text=TEXT)
    send_memo(memo=memo, by=owner)

    memo.refresh_from_db()
    order = approved_pi.order
    assert memo.status == Memo.Status.SENT and memo.sent_at
    assert status_of(order) == Order.Status.MEMO_SENT
    [email] = emails("memo_sent")
    assert email.to_email == buyer.email
    assert memo.number in email.subject and approved_pi.number in email.subject
    for number in (order.number, approved_pi.number, memo.number):
        assert number in email.body_text
    assert "Order Details" in email.body_text or "Order Details" in email.body_html
    assert f"/portal/orders/{order.pk}/" in email.body_text and "/office/" not in email.body_text
    [attachment] = email.attachments.all()
    assert attachment.filename == f"{memo.number}.pdf" and attachment.mimetype == "application/pdf"
    assert memo.number in _text(bytes(attachment.content))
    assert "memo sent" in verbs(order)


def test_a_memo_is_sent_once(sent_memo, owner):
    with pytest.raises(MemoError, match="already sent"):
        send_memo(memo=sent_memo, by=owner)
    assert len(emails("memo_sent")) == 1


def test_a_draft_of_a_cancelled_order_is_not_sent(approved_pi, owner):
    memo = write_memo(pi=approved_pi, by=owner, text=TEXT)
    Order.objects.filter(pk=approved_pi.order_id).update(status=Order.Status.CANCELLED)
    with pytest.raises(MemoError):
        send_memo(memo=memo, by=owner)
    memo.refresh_from_db()
    assert memo.status == "draft" and not emails("memo_sent")


# --- Upload --------------------------------------------------------------------------------------


def test_uploading_keeps_a_version_and_tells_the_owner(sent_memo, buyer, media):
    document = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload(name="memo.pdf"))

    assert (document.memo, document.pi, document.version) == (sent_memo, sent_memo.pi, 1)
    assert document.status == SignedDocument.Status.PENDING and document.uploaded_by == buyer
    assert document.size == len(PDF) and document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.file.name.startswith("sales/signed/") and "memo" not in document.file.name
    assert (media / document.file.name).read_bytes() == PDF
    order = sent_memo.pi.order
    assert status_of(order) == Order.Status.MEMO_SIGNED
    [email] = emails("memo_signed")
    assert email.to_email == "owner@lumytic.test"
    for number in (order.number, sent_memo.pi.number, sent_memo.number):
        assert number in email.body_text
    assert "PI Details" in email.body_text or "PI Details" in email.body_html
    assert f"/office/orders/{order.pk}/#proforma-invoice" in email.body_text
    assert "signed memo uploaded" in verbs(order)
    # The signed PI's own versions are untouched.
    assert list(sent_memo.pi.signed_documents.filter(memo=None).values_list("version")) == [(1,)]


def test_upload_is_refused_unless_the_memo_waits_for_its_signature(approved_pi, owner, buyer):
    memo = write_memo(pi=approved_pi, by=owner, text=TEXT)
    with pytest.raises(MemoError, match="can't be uploaded now"):
        upload_signed_memo(memo=memo, by=buyer, file=pdf_upload())  # a draft
    send_memo(memo=memo, by=owner)
    upload_signed_memo(memo=memo, by=buyer, file=pdf_upload())
    with pytest.raises(MemoError, match="can't be uploaded now"):
        upload_signed_memo(memo=memo, by=buyer, file=pdf_upload())  # waiting for review
    assert SignedDocument.objects.filter(memo=memo).count() == 1


def test_an_older_memo_takes_no_upload(sent_memo, owner, buyer):
    upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    approve_signed_memo(document=sent_memo.signed_documents.get(), by=owner)
    newer = send_memo(memo=write_memo(pi=sent_memo.pi, by=owner, text="Newer"), by=owner)
    with pytest.raises(MemoError, match="can't be uploaded now"):
        upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    assert upload_signed_memo(memo=newer, by=buyer, file=pdf_upload()).version == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("memo.pdf", b"<html><script>alert(1)</script></html>", "not an accepted"),
        ("memo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not an accepted"),
        ("memo.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused(sent_memo, buyer, name, content, message):
    with pytest.raises(MemoError, match=message):
        upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload(content, name))
    assert not SignedDocument.objects.filter(memo=sent_memo).exists()
    assert status_of(sent_memo.pi.order) == Order.Status.MEMO_SENT


# --- Approve and reject --------------------------------------------------------------------------


def test_approving_keeps_the_order_memo_signed(sent_memo, buyer, owner):
    document = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    approve_signed_memo(document=document, by=owner)

    document.refresh_from_db()
    assert document.status == "approved" and document.decided_by == owner and document.decided_at
    assert status_of(sent_memo.pi.order) == Order.Status.MEMO_SIGNED
    assert "signed memo approved" in verbs(sent_memo.pi.order)


def test_rejected_and_uploaded_again_keeps_every_version(sent_memo, buyer, owner):
    first = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload(PDF + b"% v1\n"))
    with pytest.raises(MemoError, match="reason"):
        reject_signed_memo(document=first, by=owner, reason="  ")
    reject_signed_memo(document=first, by=owner, reason="Unsigned page 2")

    order = sent_memo.pi.order
    assert status_of(order) == Order.Status.MEMO_SENT
    [email] = emails("memo_signed_rejected")
    assert email.to_email == buyer.email and "Unsigned page 2" in email.body_text
    for number in (order.number, sent_memo.pi.number, sent_memo.number):
        assert number in email.body_text
    assert f"/portal/orders/{order.pk}/" in email.body_text
    assert "Customer Portal" in email.from_email

    second = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload(PDF + b"% v2\n"))
    approve_signed_memo(document=second, by=owner)
    versions = list(sent_memo.signed_documents.values_list("version", "status", "sha256"))
    assert versions == [
        (2, "approved", hashlib.sha256(PDF + b"% v2\n").hexdigest()),
        (1, "rejected", hashlib.sha256(PDF + b"% v1\n").hexdigest()),
    ]
    assert status_of(order) == Order.Status.MEMO_SIGNED


def test_only_a_pending_version_can_be_decided(sent_memo, buyer, owner):
    document = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    approve_signed_memo(document=document, by=owner)
    with pytest.raises(InvoiceError, match="only a version awaiting review"):
        approve_signed_memo(document=document, by=owner)
    with pytest.raises(OrderError, match="only a version awaiting review"):
        reject_signed_memo(document=document, by=owner, reason="Again")
    assert not emails("memo_signed_rejected")


def test_pi_and_memo_steps_dont_take_each_others_documents(sent_memo, buyer, owner):
    memo_document = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    pi_document = sent_memo.pi.signed_documents.get(memo=None)
    with pytest.raises(InvoiceError, match="signed memo"):
        approve_signed_pi(document=memo_document, by=owner)
    with pytest.raises(InvoiceError, match="signed memo"):
        reject_signed_pi(document=memo_document, by=owner, reason="No")
    with pytest.raises(MemoError, match="not a signed memo"):
        approve_signed_memo(document=pi_document, by=owner)
    memo_document.refresh_from_db()
    assert memo_document.status == "pending"


def test_a_pending_signed_memo_blocks_a_new_memo(sent_memo, buyer, owner):
    upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    with pytest.raises(MemoError, match="waiting for review"):
        write_memo(pi=sent_memo.pi, by=owner, text="Another")


def test_after_an_approved_signed_memo_a_new_memo_can_be_sent(sent_memo, buyer, owner):
    approve_signed_memo(
        document=upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload()), by=owner
    )
    send_memo(memo=write_memo(pi=sent_memo.pi, by=owner, text="Second"), by=owner)
    assert status_of(sent_memo.pi.order) == Order.Status.MEMO_SENT
    assert len(emails("memo_sent")) == 2


# --- Payment after a signed memo -----------------------------------------------------------------


def test_payment_after_an_approved_signed_memo_reaches_paid(sent_memo, buyer, owner):
    approve_signed_memo(
        document=upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload()), by=owner
    )
    pi = sent_memo.pi
    values = {"paid_on": timezone.localdate() - timedelta(days=1), "file": proof()}
    rejected = upload_payment(pi=pi, by=buyer, amount=pi.total, bank_reference="FT1", **values)
    assert status_of(pi.order) == Order.Status.PAYMENT_UPLOADED
    reject_payment(payment=rejected, by=owner, reason="Wrong account")
    assert status_of(pi.order) == Order.Status.MEMO_SIGNED  # back to waiting, memo kept

    values["file"] = proof()
    payment = upload_payment(pi=pi, by=buyer, amount=pi.total, bank_reference="FT2", **values)
    confirm_payment(payment=payment, by=owner)
    assert status_of(pi.order) == Order.Status.PAID


def test_no_payment_while_the_memo_waits_for_its_signature(sent_memo, buyer):
    with pytest.raises(OrderError, match="can't be uploaded now"):
        pay(sent_memo.pi, buyer, "1.00", bank_reference="FT1")


# --- PDF -----------------------------------------------------------------------------------------


def test_the_pdf_holds_the_memo_pi_and_order_numbers_and_the_text(sent_memo):
    text = _text(render_memo_pdf(sent_memo))
    for number in (sent_memo.number, sent_memo.pi.number, sent_memo.pi.order.number):
        assert number in text
    assert "Please pay to the new account." in text and "Reference: the memo number." in text


def test_markup_in_the_memo_text_fetches_nothing_and_prints_as_text(approved_pi, owner):
    markup = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    memo = write_memo(pi=approved_pi, by=owner, text=markup)
    fetcher = InvoiceFetcher(logo=None)
    content = render_memo_pdf(memo, fetcher=fetcher)

    text = _text(content)
    assert '<img src="file:///etc/passwd">' in text  # escaped: shown, not loaded
    assert "root:" not in text and b"root:x:0" not in content
    assert all(url.startswith(f"{PDF_ORIGIN}/static/") for url in fetcher.fetched)
    assert not fetcher.refused


# --- Office pages --------------------------------------------------------------------------------


def test_staff_write_send_download_and_approve_from_the_order_page(client, staff, approved_pi):
    order = approved_pi.order
    url = reverse("sales:order-detail", args=[order.pk])
    page = client.get(url).content.decode()
    assert reverse("sales:memo-create", args=[approved_pi.pk]) in page

    response = client.post(reverse("sales:memo-create", args=[approved_pi.pk]), {"text": TEXT})
    assert response.status_code == 302
    memo = Memo.objects.get()
    page = client.get(url).content.decode()
    assert memo.number in page and "Please pay to the new account." in page
    assert reverse("sales:memo-send", args=[memo.pk]) in page

    pdf = client.get(reverse("sales:memo-pdf", args=[memo.pk]))
    assert_pdf_attachment(pdf, f"{memo.number}.pdf")

    assert client.post(reverse("sales:memo-send", args=[memo.pk])).status_code == 302
    assert status_of(order) == Order.Status.MEMO_SENT

    document = upload_signed_memo(memo=memo, by=order.placed_by, file=pdf_upload())
    page = client.get(url).content.decode()
    assert "Signed version 1" in page and document.sha256 in page
    assert reverse("sales:signed-memo-approve", args=[document.pk]) in page

    file = client.get(reverse("sales:signed-document-file", args=[document.pk]))
    assert b"".join(file.streaming_content) == PDF
    assert f"{memo.number}-signed-v1.pdf" in file["Content-Disposition"]
    assert file["X-Content-Type-Options"] == "nosniff"

    client.post(reverse("sales:signed-memo-approve", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == "approved" and document.decided_by == staff


def test_an_empty_memo_is_a_400_next_to_the_field(client, staff, approved_pi):
    response = client.post(reverse("sales:memo-create", args=[approved_pi.pk]), {"text": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the memo text." in html and 'aria-invalid="true"' in html
    assert not Memo.objects.exists()


def test_rejecting_without_a_reason_is_a_400_then_rejects(client, staff, sent_memo, buyer):
    document = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    url = reverse("sales:signed-memo-reject", args=[document.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    assert client.post(url, {"reason": "Stamp missing"}).status_code == 302
    document.refresh_from_db()
    assert (document.status, document.reason) == ("rejected", "Stamp missing")
    assert status_of(sent_memo.pi.order) == Order.Status.MEMO_SENT


def test_refused_steps_are_messages_not_errors(client, staff, sent_pi, sent_memo):
    response = client.post(reverse("sales:memo-send", args=[sent_memo.pk]), follow=True)
    assert response.status_code == 200 and "already sent" in response.content.decode()


def test_the_memo_signed_button_opens_the_office_pi_section(client, sent_memo, buyer, owner):
    upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    [email] = emails("memo_signed")
    client.force_login(owner)
    assert client.get(link_in(email.body_text, "/office/")).status_code == 200


def test_office_memo_urls_are_staff_only(client, sent_memo, buyer):
    document = upload_signed_memo(memo=sent_memo, by=buyer, file=pdf_upload())
    assert client.get(reverse("sales:memo-pdf", args=[sent_memo.pk])).status_code == 302
    client.force_login(buyer)
    assert client.get(reverse("sales:memo-pdf", args=[sent_memo.pk])).status_code == 403
    for name, pk in (
        ("signed-memo-approve", document.pk),
        ("signed-memo-reject", document.pk),
        ("memo-send", sent_memo.pk),
        ("memo-create", sent_memo.pi_id),
    ):
        assert client.post(reverse(f"sales:{name}", args=[pk])).status_code == 403
    document.refresh_from_db()
    assert document.status == "pending"


def test_missing_ids_and_signed_pis_are_404_on_memo_urls(client, staff, approved_pi):
    for name in ("memo-pdf", "memo-send", "signed-memo-approve", "memo-create"):
        method = client.get if name == "memo-pdf" else client.post
        assert method(reverse(f"sales:{name}", args=[999999])).status_code == 404
    pi_document = approved_pi.signed_documents.get()
    for name in ("signed-memo-approve", "signed-memo-reject"):
        url = reverse(f"sales:{name}", args=[pi_document.pk])
        assert client.post(url, {"reason": "x"}).status_code == 404
