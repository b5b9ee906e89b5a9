"""Payments and credits on a PI: upload, confirm, reject, apply a credit; the order's status,
partial payments adding up, the emails, and the back-office PI section."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Credit
from sales.models import Order, Payment
from sales.services.orders import OrderError
from sales.services.payments import (
    OverpaymentUndecided,
    PaymentError,
    apply_credit,
    confirm_payment,
    pi_balance,
    reject_payment,
)
from tests.factories import CustomerFactory, StaffFactory
from tests.helpers import link_in
from tests.sales.helpers import (
    PDF,
    TODAY,
    approved_pi,
    credit,
    emails,
    pay,
    pi_status,
    pi_verbs,
    proof,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


# --- Upload --------------------------------------------------------------------------------------


def test_uploading_a_proof_keeps_it_and_tells_the_owner(pi, buyer, owner, media):
    payment = pay(pi, buyer, "400.00", bank_reference="  FT26001  ")

    assert payment.status == Payment.Status.PENDING
    assert (payment.amount, payment.currency, payment.bank_reference) == (
        Decimal("400"),
        "USD",
        "FT26001",
    )
    assert payment.uploaded_by == buyer and payment.size == len(PDF)
    assert payment.file.name.startswith("payments/proofs/") and "swift" not in payment.file.name
    assert (media / payment.file.name).read_bytes() == PDF
    assert pi_status(pi) == Order.Status.PAYMENT_UPLOADED
    assert "payment uploaded" in pi_verbs(pi)
    [email] = emails("payment_uploaded")
    assert email.to_email == "owner@lumytic.test"
    assert pi.number in email.body_text and pi.order.number in email.body_text
    assert "PI Details" in email.body_html
    assert f"/office/orders/{pi.order_id}/" in email.body_text and "/portal/" not in email.body_text


def test_a_further_partial_payment_can_be_uploaded_while_one_waits(pi, buyer):
    pay(pi, buyer, "400")
    pay(pi, buyer, "300")
    assert pi_status(pi) == Order.Status.PAYMENT_UPLOADED
    assert pi.payments.count() == 2 and len(emails("payment_uploaded")) == 2


@pytest.mark.parametrize(
    "status",
    [Order.Status.CONFIRMED, Order.Status.PI_SENT, Order.Status.PI_SIGNED, Order.Status.PAID],
)
def test_payment_is_refused_unless_the_order_awaits_payment(buyer, owner, status):
    pi = approved_pi(buyer.contact.customer, buyer, owner, status=status)
    with pytest.raises(PaymentError, match="can't be uploaded now"):
        pay(pi, buyer, "10")
    assert not Payment.objects.exists() and not emails("payment_uploaded")


def test_a_signed_memo_order_accepts_a_payment(buyer, owner):
    pi = approved_pi(buyer.contact.customer, buyer, owner, status=Order.Status.MEMO_SIGNED)
    pay(pi, buyer, "10")
    assert pi_status(pi) == Order.Status.PAYMENT_UPLOADED


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("10.005", "at most 2 decimals"),
        ("1000.01", "still due"),
    ],
)
def test_bad_amounts_are_refused(pi, buyer, amount, message):
    with pytest.raises(PaymentError, match=message):
        pay(pi, buyer, amount)
    assert not Payment.objects.exists() and pi_status(pi) == Order.Status.PI_APPROVED


def test_a_future_date_an_empty_reference_and_a_bad_file_are_refused(pi, buyer):
    with pytest.raises(PaymentError, match="future"):
        pay(pi, buyer, "10", paid_on=TODAY() + timedelta(days=1))
    with pytest.raises(PaymentError, match="bank reference"):
        pay(pi, buyer, "10", bank_reference="  ")
    with pytest.raises(PaymentError, match="not an accepted type"):
        pay(pi, buyer, "10", file=proof(b"<html><script>x</script></html>"))
    with pytest.raises(PaymentError, match="empty"):
        pay(pi, buyer, "10", file=proof(b""))
    assert not Payment.objects.exists()


# --- Confirm, reject, partial payments ---------------------------------------------------------


def test_partial_payments_add_up_to_paid_and_a_rejected_one_does_not_count(pi, buyer, owner):
    """PI 1,000.00: 400 rejected, 400 confirmed, 600 confirmed -> paid."""
    rejected = pay(pi, buyer, "400")
    reject_payment(payment=rejected, by=owner, reason="Wrong beneficiary")
    assert pi_status(pi) == Order.Status.PI_APPROVED  # back to awaiting payment

    first = pay(pi, buyer, "400")
    confirm_payment(payment=first, by=owner)
    assert pi_balance(pi) == (Decimal("400.00"), Decimal("0.00"), Decimal("600.00"))
    assert pi_status(pi) == Order.Status.PI_APPROVED  # nothing else waits for review

    second = pay(pi, buyer, "600")
    assert pi_status(pi) == Order.Status.PAYMENT_UPLOADED
    confirm_payment(payment=second, by=owner)
    assert pi_balance(pi) == (Decimal("1000.00"), Decimal("0.00"), Decimal("0.00"))
    assert pi_status(pi) == Order.Status.PAID
    assert pi_verbs(pi)[-2:] == ["payment confirmed", "order paid"]
    first.refresh_from_db()
    assert first.decided_by == owner and first.decided_at


def test_confirming_tells_the_customer_on_their_side(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "400"), by=owner)
    [email] = emails("payment_confirmed")
    assert email.to_email == buyer.email == "omar@falcon.test"
    assert pi.number in email.subject and pi.number in email.body_text
    assert pi.order.number in email.body_text
    assert "Order Details" in email.body_html
    assert f"/portal/orders/{pi.order_id}/" in email.body_text and "/office/" not in email.body_text


def test_rejecting_needs_a_reason_and_emails_it(pi, buyer, owner):
    payment = pay(pi, buyer, "400")
    with pytest.raises(PaymentError, match="reason"):
        reject_payment(payment=payment, by=owner, reason="   ")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING

    reject_payment(payment=payment, by=owner, reason="The proof is unreadable")
    payment.refresh_from_db()
    assert (payment.status, payment.reason) == ("rejected", "The proof is unreadable")
    [email] = emails("payment_rejected")
    assert email.to_email == buyer.email
    assert "The proof is unreadable" in email.body_text
    assert pi.number in email.body_text and pi.order.number in email.body_text
    assert f"/portal/orders/{pi.order_id}/" in email.body_text
    assert "payment rejected" in pi_verbs(pi)


def test_rejecting_one_of_two_pending_payments_keeps_the_order_waiting(pi, buyer, owner):
    one, _two = pay(pi, buyer, "400"), pay(pi, buyer, "600")
    reject_payment(payment=one, by=owner, reason="Duplicate")
    assert pi_status(pi) == Order.Status.PAYMENT_UPLOADED


@pytest.mark.parametrize("decided", ["confirm", "reject"])
def test_only_a_pending_payment_can_be_decided(pi, buyer, owner, decided):
    payment = pay(pi, buyer, "400")
    if decided == "confirm":
        confirm_payment(payment=payment, by=owner)
    else:
        reject_payment(payment=payment, by=owner, reason="No")
    with pytest.raises(PaymentError, match="only a payment awaiting review"):
        confirm_payment(payment=payment, by=owner)
    with pytest.raises(PaymentError, match="only a payment awaiting review"):
        reject_payment(payment=payment, by=owner, reason="Again")


def test_the_database_refuses_a_rejection_without_reason_and_a_zero_amount(pi, buyer):
    from django.db import IntegrityError, transaction

    payment = pay(pi, buyer, "400")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(status="rejected", reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount=0)


# --- Credits -------------------------------------------------------------------------------------


def test_a_credit_pays_a_pi_in_full_and_the_order_becomes_paid(pi, buyer, owner):
    available = credit(buyer.contact.customer, "1500")
    apply_credit(pi=pi, by=owner, credit=available, amount=Decimal("1000"))
    assert pi_balance(pi) == (Decimal("0.00"), Decimal("1000.00"), Decimal("0.00"))
    assert pi_status(pi) == Order.Status.PAID
    assert pi_verbs(pi)[-2:] == ["credit applied", "order paid"]


def test_a_credit_and_a_payment_together_make_the_order_paid(pi, buyer, owner):
    apply_credit(pi=pi, by=owner, credit=credit(buyer.contact.customer, "250"), amount="250")
    assert pi_status(pi) == Order.Status.PI_APPROVED
    with pytest.raises(PaymentError, match="still due"):
        pay(pi, buyer, "800")
    confirm_payment(payment=pay(pi, buyer, "750"), by=owner)
    assert pi_status(pi) == Order.Status.PAID


def test_credit_limits(pi, buyer, owner):
    customer = buyer.contact.customer
    small = credit(customer, "100")
    with pytest.raises(PaymentError, match=r"Only 100\.00 USD of this credit is left"):
        apply_credit(pi=pi, by=owner, credit=small, amount="100.01")
    apply_credit(pi=pi, by=owner, credit=small, amount="60")
    with pytest.raises(PaymentError, match=r"Only 40\.00 USD of this credit is left"):
        apply_credit(pi=pi, by=owner, credit=small, amount="50")
    with pytest.raises(PaymentError, match="Only a credit in USD"):
        apply_credit(pi=pi, by=owner, credit=credit(customer, "500", "EUR"), amount="10")
    with pytest.raises(PaymentError, match="another customer"):
        apply_credit(pi=pi, by=owner, credit=credit(CustomerFactory(), "500"), amount="10")
    big = credit(customer, "5000")
    with pytest.raises(PaymentError, match="still due"):
        apply_credit(pi=pi, by=owner, credit=big, amount="941")
    with pytest.raises(PaymentError, match="more than zero"):
        apply_credit(pi=pi, by=owner, credit=big, amount="0")
    assert pi_balance(pi)[1] == Decimal("60.00")


def test_a_credit_is_refused_before_the_pi_is_approved(buyer, owner):
    pi = approved_pi(buyer.contact.customer, buyer, owner, status=Order.Status.PI_SENT)
    with pytest.raises(PaymentError, match="can't be applied now"):
        apply_credit(pi=pi, by=owner, credit=credit(buyer.contact.customer, "10"), amount="10")


def test_steps_raise_order_errors_the_views_already_handle(pi, owner, buyer):
    with pytest.raises(OrderError):
        reject_payment(payment=pay(pi, buyer, "1"), by=owner, reason="")


# --- A payment that overpays its PI needs a decision ---------------------------------------------


def overpaying(pi, buyer, owner) -> Payment:
    """Two proofs of 600 on a PI of 1,000: once the first is confirmed, the second is 200 over."""
    first, second = pay(pi, buyer, "600"), pay(pi, buyer, "600", bank_reference="FT-TWICE")
    confirm_payment(payment=first, by=owner)
    return second


def test_confirming_an_overpayment_without_a_decision_changes_nothing(pi, buyer, owner):
    second = overpaying(pi, buyer, owner)
    with pytest.raises(OverpaymentUndecided, match=r"200\.00 USD more than the 400\.00 USD"):
        confirm_payment(payment=second, by=owner)
    second.refresh_from_db()
    assert second.status == Payment.Status.PENDING
    assert pi_balance(pi) == (Decimal("600.00"), Decimal("0.00"), Decimal("400.00"))
    assert not Credit.objects.exists()


def test_crediting_the_extra_pays_the_pi_and_keeps_the_rest_as_the_customers_credit(
    pi, buyer, owner
):
    second = confirm_payment(payment=overpaying(pi, buyer, owner), by=owner, overpay="credit")
    assert second.status == Payment.Status.CONFIRMED
    [extra] = Credit.objects.all()
    assert (extra.customer, extra.amount, extra.currency) == (
        buyer.contact.customer,
        Decimal("200.000"),
        "USD",
    )
    assert second.excess_credit == extra and pi.number in extra.reason
    # The PI shows what it was paid, not 1,200 of 1,000; the extra is usable on the next PI.
    assert pi_balance(pi) == (Decimal("1000.00"), Decimal("0.00"), Decimal("0.00"))
    assert pi_status(pi) == Order.Status.PAID
    [_first, email] = emails("payment_confirmed")
    assert "200.00" in email.body_text


def test_refusing_the_extra_rejects_the_payment_with_the_reason(pi, buyer, owner):
    second = confirm_payment(payment=overpaying(pi, buyer, owner), by=owner, overpay="refuse")
    assert second.status == Payment.Status.REJECTED
    assert "more than the 400.00 USD still due" in second.reason
    assert pi_balance(pi) == (Decimal("600.00"), Decimal("0.00"), Decimal("400.00"))
    assert not Credit.objects.exists()
    [email] = emails("payment_rejected")
    assert "more than the 400.00 USD still due" in email.body_text


def test_the_order_page_asks_what_to_do_with_the_extra_of_an_overpaying_payment(
    client, pi, buyer, owner
):
    client.force_login(owner)
    within = pay(pi, buyer, "400")
    html = page_of(client, pi)
    assert "more than the" not in html and 'name="overpay"' not in html
    second = overpaying(pi, buyer, owner)
    html = page_of(client, pi)
    form = html.split(reverse("sales:payment-confirm", args=[second.pk]))[1].split("</form>")[0]
    assert "This payment is $200.00 more than the $400.00 still due." in form
    assert "Credit the extra to the customer" in form and "Refuse the payment" in form
    assert form.count('name="overpay"') == 2 and ">Decide<" in form
    assert 'name="overpay"' not in html.split(f'id="payment-{within.pk}"')[1].split("</li>")[0]


def test_posting_confirm_without_the_decision_is_a_400_with_the_message(client, pi, buyer, owner):
    client.force_login(owner)
    second = overpaying(pi, buyer, owner)
    url = reverse("sales:payment-confirm", args=[second.pk])
    for data in [{}, {"overpay": "maybe"}]:
        response = client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 400, data
        assert "to credit the extra to the customer or to refuse the payment" in html
        assert 'id="overpay-error-' in html
    second.refresh_from_db()
    assert second.status == Payment.Status.PENDING and not Credit.objects.exists()


def answer_overpayment(client, pi, buyer, owner, overpay: str):
    """Staff confirm an overpaying payment from its page choosing `overpay`; it and the page."""
    client.force_login(owner)
    second = overpaying(pi, buyer, owner)
    url = reverse("sales:payment-confirm", args=[second.pk])
    return second, client.post(url, {"overpay": overpay}, follow=True)


def test_crediting_from_the_page_confirms_and_says_how_much_is_credit(client, pi, buyer, owner):
    _second, response = answer_overpayment(client, pi, buyer, owner, "credit")
    assert "is confirmed and 200.00 USD is the customer&#x27;s credit" in response.content.decode()
    assert Credit.objects.get().amount == Decimal("200")
    assert pi_status(pi) == Order.Status.PAID


def test_refusing_from_the_page_rejects_the_payment(client, pi, buyer, owner):
    second, response = answer_overpayment(client, pi, buyer, owner, "refuse")
    assert "is refused; the customer is told why" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Payment.Status.REJECTED


# --- Office pages --------------------------------------------------------------------------------


def page_of(client, pi) -> str:
    response = client.get(reverse("sales:order-detail", args=[pi.order_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_see_download_confirm_and_reject_payments(client, pi, buyer, owner):
    client.force_login(owner)
    payment = pay(pi, buyer, "400", bank_reference="FT-778")
    html = page_of(client, pi)
    assert "FT-778" in html and "swift.pdf" in html
    assert "$1,000.00" in html  # outstanding: a pending payment doesn't count yet
    assert reverse("sales:payment-confirm", args=[payment.pk]) in html

    file = client.get(reverse("sales:payment-file", args=[payment.pk]))
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert file["Content-Disposition"].startswith("attachment;")
    assert f"{pi.number}-payment-{payment.pk}.pdf" in file["Content-Disposition"]
    assert file["X-Content-Type-Options"] == "nosniff"

    assert client.post(reverse("sales:payment-confirm", args=[payment.pk])).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "confirmed" and payment.decided_by == owner
    assert '<dd class="col-auto fw-semibold pi-outstanding">$600.00</dd>' in page_of(client, pi)

    other = pay(pi, buyer, "100")
    url = reverse("sales:payment-reject", args=[other.pk])
    response = client.post(url, {"reason": " "})
    assert response.status_code == 400
    assert "Give the customer a reason" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.post(url, {"reason": "Amount differs"}).status_code == 302
    assert "Amount differs" in page_of(client, pi)


def test_the_owner_email_button_opens_the_pi_on_the_office_page(client, pi, buyer, owner):
    pay(pi, buyer, "400")
    [email] = emails("payment_uploaded")
    path = link_in(email.body_text, "/office/")
    assert path.endswith("#proforma-invoice")
    client.force_login(owner)
    assert client.get(path).status_code == 200


def test_apply_a_credit_from_the_page_lists_only_usable_credits(client, pi, buyer, owner):
    client.force_login(owner)
    customer = buyer.contact.customer
    usable = credit(customer, "300", reason="Usable credit")
    credit(customer, "300", "EUR", reason="Euro credit")
    credit(CustomerFactory(), "300", reason="Foreign credit")
    used = credit(customer, "50", reason="Spent credit")
    apply_credit(pi=pi, by=owner, credit=used, amount="50")
    html = page_of(client, pi)
    assert "Usable credit" in html and "Euro credit" not in html
    assert "Foreign credit" not in html
    assert f'<option value="{used.pk}"' not in html

    url = reverse("sales:pi-credit-apply", args=[pi.pk])
    response = client.post(url, {"credit": usable.pk, "amount": "301"})
    assert response.status_code == 400 and "of this credit is left" in response.content.decode()
    response = client.post(url, {"credit": credit(CustomerFactory(), "9").pk, "amount": "1"})
    assert response.status_code == 400 and "this customer" in response.content.decode()
    assert client.post(url, {"credit": usable.pk, "amount": "200"}).status_code == 302
    assert pi_balance(pi) == (Decimal("0.00"), Decimal("250.00"), Decimal("750.00"))


def test_office_payment_urls_are_staff_only(client, pi, buyer):
    payment = pay(pi, buyer, "400")
    file_url = reverse("sales:payment-file", args=[payment.pk])
    posts = [
        reverse("sales:payment-confirm", args=[payment.pk]),
        reverse("sales:payment-reject", args=[payment.pk]),
        reverse("sales:pi-credit-apply", args=[pi.pk]),
    ]
    assert client.get(file_url).status_code == 302  # anonymous: the login page
    client.force_login(buyer)
    assert client.get(file_url).status_code == 403
    for url in posts:
        assert client.post(url, {"reason": "x", "amount": "1"}).status_code == 403
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_missing_payment_ids_are_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("sales:payment-file", args=[999999])).status_code == 404
    for name in ("payment-confirm", "payment-reject", "pi-credit-apply"):
        assert client.post(reverse(f"sales:{name}", args=[999999])).status_code == 404


def test_the_order_page_runs_the_same_queries_for_5_and_50_payments(client, pi, buyer, owner):
    client.force_login(owner)
    url = reverse("sales:order-detail", args=[pi.order_id])
    credit(buyer.contact.customer, "5")

    def add(count):
        for _ in range(count):
            payment = pay(pi, StaffFactory(), "1")
            reject_payment(payment=payment, by=StaffFactory(), reason="Test")

    add(5)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        html = client.get(url).content.decode()
    assert html.count('class="border rounded p-2 mb-2 payment"') == 50
    assert len(fifty) == len(five)


def test_proofs_may_be_png(pi, buyer):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    payment = pay(pi, buyer, "5", file=proof(buffer.getvalue(), "scan.png"))
    assert payment.file.name.endswith(".png")
