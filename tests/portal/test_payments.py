"""Portal payments on the order page: upload a SWIFT proof and its refusals (400 with the
message next to the field), the payments with status and reason, the outstanding amount, proof
downloads; other customers and colleagues see nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboundEmail
from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import PROOF_VALIDATOR, Order, Payment
from sales.services.payments import confirm_payment, reject_payment
from tests.factories import PortalContactFactory
from tests.helpers import link_in
from tests.portal.helpers import order_page, post_payment
from tests.sales.helpers import PDF, approved_pi, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("usd_site")]


@pytest.fixture
def pi(buyer, owner):
    return approved_pi(buyer.contact.customer, buyer, owner)


def test_the_customer_uploads_a_proof_and_sees_it_waiting(client, pi, buyer):
    html = order_page(client, pi.order_id)
    assert reverse("portal:payment-upload", args=[pi.pk]) in html and "$1,000.00" in html

    response = post_payment(client, pi)
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.uploaded_by) == (Decimal("400"), buyer)
    assert Order.objects.get(pk=pi.order_id).status == Order.Status.PAYMENT_UPLOADED
    html = order_page(client, pi.order_id)
    assert "Awaiting review" in html and "FT26001" in html
    assert reverse("portal:payment-file", args=[payment.pk]) in html
    # a further partial payment may follow while the first waits
    assert reverse("portal:payment-upload", args=[pi.pk]) in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero."),
        ({"amount": "-10"}, "The amount must be more than zero."),
        ({"amount": "abc"}, "Enter a number."),
        ({"amount": "1000.01"}, "still due"),
        ({"paid_on": "2999-01-01"}, "The payment date can&#x27;t be in the future."),
        ({"bank_reference": ""}, "Enter the bank reference of the transfer."),
        ({"file": SimpleUploadedFile("x.pdf", b"<html>hi</html>")}, "not an accepted type"),
        ({"file": SimpleUploadedFile("x.svg", b"<svg xmlns='x'/>")}, "not an accepted type"),
        ({"file": SimpleUploadedFile("x.pdf", b"")}, "The file is empty."),
    ],
)
def test_bad_input_is_a_400_with_the_message_and_nothing_saved(client, pi, overrides, message):
    response = post_payment(client, pi, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not Payment.objects.exists()
    assert Order.objects.get(pk=pi.order_id).status == Order.Status.PI_APPROVED


def test_an_oversized_proof_is_refused(client, pi, monkeypatch):
    monkeypatch.setattr(PROOF_VALIDATOR, "max_bytes", 10)
    response = post_payment(client, pi)
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Payment.objects.exists()


def test_yesterday_is_a_fine_date(client, pi):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert post_payment(client, pi, paid_on=yesterday).status_code == 302


def test_no_upload_form_before_approval_and_a_refusal_if_posted(client, buyer, owner):
    pi = approved_pi(buyer.contact.customer, buyer, owner, status=Order.Status.PI_SENT)
    assert reverse("portal:payment-upload", args=[pi.pk]) not in order_page(client, pi.order_id)
    response = post_payment(client, pi)
    assert response.status_code == 400 and "can&#x27;t be uploaded now" in response.content.decode()


def test_statuses_reasons_and_the_outstanding_amount(client, pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "400"), by=owner)
    reject_payment(payment=pay(pi, buyer, "100"), by=owner, reason="Unreadable scan")
    html = order_page(client, pi.order_id)
    assert "Confirmed" in html and "Rejected" in html and "Unreadable scan" in html
    assert '<dd class="col-auto fw-semibold pi-outstanding">$600.00</dd>' in html

    confirm_payment(payment=pay(pi, buyer, "600"), by=owner)
    html = order_page(client, pi.order_id)
    assert '<dd class="col-auto fw-semibold pi-outstanding">$0.00</dd>' in html
    assert reverse("portal:payment-upload", args=[pi.pk]) not in html  # paid


def test_proof_download_is_an_attachment_never_sniffed(client, pi, buyer):
    payment = pay(pi, buyer, "10")
    response = client.get(reverse("portal:payment-file", args=[payment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_colleague_with_only_their_own_orders_gets_404(client, pi, buyer):
    payment = pay(pi, buyer, "10")
    colleague = PortalContactFactory(customer=buyer.contact.customer, is_primary=False)
    set_portal_access(
        contact=colleague, by=None, areas=[Area.ORDERS, Area.INVOICES], own_orders_only=True
    )
    client.force_login(colleague.user)
    assert client.get(reverse("portal:payment-file", args=[payment.pk])).status_code == 404
    assert post_payment(client, pi).status_code == 404


def test_without_the_invoices_area_payments_are_403(client, pi, buyer):
    payment = pay(pi, buyer, "10")
    set_portal_access(contact=buyer.contact, by=None, areas=[Area.ORDERS])
    assert client.get(reverse("portal:payment-file", args=[payment.pk])).status_code == 403
    assert post_payment(client, pi).status_code == 403
    assert Payment.objects.count() == 1


def test_the_confirmation_email_button_opens_the_portal_order(client, pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "400"), by=owner)
    [email] = OutboundEmail.objects.filter(event="payment_confirmed")
    assert email.to_email == buyer.email
    path = link_in(email.body_text, "/portal/")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("status", "gate"),
    [
        (Order.Status.MEMO_SENT, "The payment form opens once you upload the signed memo above."),
        (
            Order.Status.PI_SENT,
            "You can upload the payment proof once your signed proforma invoice is approved.",
        ),
    ],
)
def test_the_customer_is_told_why_the_payment_form_is_not_there_yet(
    client, buyer, owner, status, gate
):
    pi = approved_pi(buyer.contact.customer, buyer, owner, status=status)
    html = order_page(client, pi.order_id)
    assert reverse("portal:payment-upload", args=[pi.pk]) not in html
    assert gate in html
    client.force_login(owner)
    office = client.get(reverse("sales:order-detail", args=[pi.order_id])).content.decode()
    assert "once the signed PI is approved and, if a memo was sent" in office
