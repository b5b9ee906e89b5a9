"""Cancellation orders: request, confirm (numbered PDF), refuse, signed copies, approve, reject,
apply; the emails, illegal steps, credits from confirmed payments, balances and statements, and
the back-office pages."""

import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from customers import tabs
from customers.models import ActivityEntry, Credit
from lumytic.core.models import CompanyProfile
from notifications.models import OutboundEmail
from sales.models import Cancellation, Order, SignedCancellation
from sales.pdf import render_cancellation_pdf
from sales.services.cancellations import (
    CancellationError,
    approve_signed_cancellation,
    complete_cancellation,
    confirm_cancellation,
    refuse_cancellation,
    reject_signed_cancellation,
    request_cancellation,
    upload_signed_cancellation,
)
from sales.services.orders import OrderError, confirm_order, create_order
from sales.services.payments import apply_credit, confirm_payment, reject_payment, upload_payment
from sales.statements import statement_for
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.portal.conftest import link_in
from tests.sales import test_payments as payments
from tests.sales.test_payments import BILLING, PDF, approved_pi, credit, pay, proof

# The payment fixtures, shared (pytest finds fixtures by module attribute).
buyer, media, owner = payments.buyer, payments.media, payments.owner

pytestmark = pytest.mark.django_db
REASON = "The project was cancelled by our client."
HTML_AS_PDF = b"<html><script>alert(1)</script></html>"


def emails(event: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event=event).order_by("pk"))


def status_of(order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def verbs(order) -> list[str]:
    return list(
        ActivityEntry.objects.filter(target_id=str(order.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def pi(buyer, owner):
    return approved_pi(buyer.contact.customer, buyer, owner)


@pytest.fixture
def requested(pi, buyer):
    return request_cancellation(order=pi.order, by=buyer, reason=REASON)


@pytest.fixture
def confirmed(requested, owner):
    return confirm_cancellation(cancellation=requested, by=owner)


@pytest.fixture
def signed(confirmed, buyer):
    upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof(name="signed.pdf"))
    return Cancellation.objects.get(pk=confirmed.pk)


@pytest.fixture
def approved(signed, owner):
    approve_signed_cancellation(document=signed.signed_documents.get(), by=owner)
    return signed


# --- Request -------------------------------------------------------------------------------------


def test_a_customer_requests_the_cancellation_of_a_confirmed_order(pi, buyer, owner):
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=f"  {REASON} ")

    assert cancellation.status == Cancellation.Status.REQUESTED
    assert cancellation.number is None  # numbered when confirmed
    assert (cancellation.reason, cancellation.requested_by, cancellation.owner) == (
        REASON,
        buyer,
        owner,
    )
    assert cancellation.customer == pi.order.customer
    assert status_of(pi.order) == Order.Status.PI_APPROVED  # the order carries on meanwhile
    entry = ActivityEntry.objects.get(verb="cancellation requested")
    assert entry.target_id == str(pi.order_id) and entry.customer == pi.order.customer
    assert entry.actor == buyer


def test_the_request_emails_the_customer_and_the_order_owner(requested, buyer, owner, client):
    sent = emails("cancellation_new")
    assert sorted(e.to_email for e in sent) == sorted([buyer.email, owner.email])
    to_owner = next(e for e in sent if e.to_email == owner.email)
    assert requested.order.number in to_owner.subject
    assert "Falcon Logistics" in to_owner.body_text and REASON in to_owner.body_text
    assert "Cancellation Details" in to_owner.body_html
    path = link_in(to_owner.body_text, "/office/")
    assert path == reverse("sales:cancellation-detail", args=[requested.pk])
    to_buyer = next(e for e in sent if e.to_email == buyer.email)
    assert link_in(to_buyer.body_text, "/portal/") == reverse(
        "portal:cancellation-detail", args=[requested.pk]
    )


@pytest.mark.parametrize("status", [Order.Status.DRAFT, Order.Status.SUBMITTED])
def test_an_order_not_yet_confirmed_is_cancelled_directly_instead(buyer, status):
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[{"description": "Box", "quantity": 1, "unit_price": 5}],
        submit=status == Order.Status.SUBMITTED,
    )
    with pytest.raises(CancellationError, match="cancel it directly"):
        request_cancellation(order=order, by=buyer, reason=REASON)
    assert not Cancellation.objects.exists() and not emails("cancellation_new")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_request_needs_a_reason_of_sensible_length(pi, buyer, reason):
    with pytest.raises(CancellationError, match=r"reason|why"):
        request_cancellation(order=pi.order, by=buyer, reason=reason)
    assert not Cancellation.objects.exists()


def test_one_cancellation_at_a_time_but_a_refused_one_may_be_asked_again(requested, buyer, owner):
    with pytest.raises(CancellationError, match="already has a cancellation"):
        request_cancellation(order=requested.order, by=buyer, reason="Again")
    refuse_cancellation(cancellation=requested, by=owner, reason="Goods already shipped.")
    again = request_cancellation(order=requested.order, by=buyer, reason="Please reconsider.")
    assert again.status == Cancellation.Status.REQUESTED
    assert Cancellation.objects.filter(order=requested.order).count() == 2


def test_staff_may_open_a_cancellation_for_the_customer(pi, owner, buyer):
    cancellation = request_cancellation(order=pi.order, by=owner, reason="Asked by phone.")
    assert cancellation.requested_by == owner
    # The customer still hears of it, through the order's customer side.
    assert buyer.email in [e.to_email for e in emails("cancellation_new")]


# --- Confirm or refuse ---------------------------------------------------------------------------


def test_confirming_numbers_it_and_freezes_what_the_pdf_prints(requested, owner, seller_profile):
    cancellation = confirm_cancellation(cancellation=requested, by=owner)

    year = timezone.localdate().year
    assert cancellation.number == f"CXL-{year}-00001"
    assert cancellation.status == Cancellation.Status.CONFIRMED
    assert cancellation.decided_by == owner and cancellation.decided_at is not None
    assert cancellation.customer_name == "Falcon Logistics"
    assert cancellation.seller_name == "Lumytic Trading LLC"
    assert cancellation.order_total == Decimal("1000.000")
    assert cancellation.received == Decimal("0")
    assert "Omar Khalil" in cancellation.bill_to
    seller_profile.legal_name = "Renamed Later LLC"
    seller_profile.save()
    text = _text(render_cancellation_pdf(cancellation))
    assert cancellation.number in text and requested.order.number in text
    assert "Lumytic Trading LLC" in text and "Renamed Later" not in text
    assert "project was cancelled" in text


def test_the_confirmation_emails_the_pdf_to_the_customer(confirmed, buyer, client):
    [email] = emails("cancellation_confirmed")
    assert email.to_email == buyer.email
    assert confirmed.number in email.subject
    [attachment] = email.attachments.all()
    assert attachment.filename == f"{confirmed.number}.pdf"
    assert attachment.content.startswith(b"%PDF")
    client.force_login(buyer)
    assert client.get(link_in(email.body_text, "/portal/")).status_code == 200


def test_numbers_are_sequential_and_refused_requests_use_none(pi, buyer, owner):
    other = approved_pi(buyer.contact.customer, buyer, owner)
    refused = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    refuse_cancellation(cancellation=refused, by=owner, reason="No.")
    first = confirm_cancellation(
        cancellation=request_cancellation(order=pi.order, by=buyer, reason=REASON), by=owner
    )
    second = confirm_cancellation(
        cancellation=request_cancellation(order=other.order, by=buyer, reason=REASON), by=owner
    )
    assert Cancellation.objects.get(pk=refused.pk).number is None
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_refusing_needs_a_reason_and_tells_the_customer(requested, owner, buyer):
    with pytest.raises(CancellationError, match="reason"):
        refuse_cancellation(cancellation=requested, by=owner, reason=" ")
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REQUESTED

    refuse_cancellation(cancellation=requested, by=owner, reason="The goods have shipped.")
    requested.refresh_from_db()
    assert requested.status == Cancellation.Status.REFUSED
    assert requested.refusal_reason == "The goods have shipped."
    [email] = emails("cancellation_refused")
    assert email.to_email == buyer.email and "The goods have shipped." in email.body_text
    assert status_of(requested.order) == Order.Status.PI_APPROVED
    assert "cancellation refused" in verbs(requested.order)


# --- Illegal steps -------------------------------------------------------------------------------


def test_illegal_steps_are_refused_and_change_nothing(requested, owner, buyer):
    with pytest.raises(CancellationError):
        upload_signed_cancellation(cancellation=requested, by=buyer, file=proof())
    with pytest.raises(CancellationError):
        complete_cancellation(cancellation=requested, by=owner)
    confirmed = confirm_cancellation(cancellation=requested, by=owner)
    with pytest.raises(CancellationError, match="cannot become"):
        confirm_cancellation(cancellation=confirmed, by=owner)
    with pytest.raises(CancellationError, match="cannot become"):
        refuse_cancellation(cancellation=confirmed, by=owner, reason="Too late")
    with pytest.raises(CancellationError):
        complete_cancellation(cancellation=confirmed, by=owner)
    confirmed.refresh_from_db()
    assert confirmed.status == Cancellation.Status.CONFIRMED
    assert not SignedCancellation.objects.exists()
    assert status_of(requested.order) == Order.Status.PI_APPROVED


def test_a_signed_copy_is_needed_and_approved_before_applying(signed, owner):
    with pytest.raises(CancellationError, match="Approve the customer's signed copy"):
        complete_cancellation(cancellation=signed, by=owner)
    assert status_of(signed.order) == Order.Status.PI_APPROVED


def test_a_decided_version_cannot_be_decided_again(approved, owner):
    document = approved.signed_documents.get()
    with pytest.raises(OrderError, match="only a version awaiting review"):
        reject_signed_cancellation(document=document, by=owner, reason="Changed my mind")
    with pytest.raises(OrderError):
        approve_signed_cancellation(document=document, by=owner)


def test_a_completed_cancellation_is_final(approved, owner, buyer):
    complete_cancellation(cancellation=approved, by=owner)
    with pytest.raises(CancellationError):
        complete_cancellation(cancellation=approved, by=owner)
    with pytest.raises(CancellationError, match="already cancelled"):
        request_cancellation(order=approved.order, by=buyer, reason="Again")
    assert Credit.objects.count() == 0  # nothing was paid, so nothing is credited


# --- Signed copies -------------------------------------------------------------------------------


def test_uploading_keeps_every_version_with_its_fingerprint(confirmed, buyer, owner):
    document = upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof())
    assert (document.version, document.uploaded_by, document.status) == (1, buyer, "pending")
    assert document.sha256 == hashlib.sha256(PDF).hexdigest() and document.size == len(PDF)
    assert Cancellation.objects.get(pk=confirmed.pk).status == Cancellation.Status.SIGNED
    [email] = emails("cancellation_signed")
    assert email.to_email == owner.email and confirmed.number in email.subject

    reject_signed_cancellation(document=document, by=owner, reason="Not signed on page 2.")
    assert Cancellation.objects.get(pk=confirmed.pk).status == Cancellation.Status.CONFIRMED
    [rejection] = emails("cancellation_signed_rejected")
    assert rejection.to_email == buyer.email and "Not signed on page 2." in rejection.body_text

    again = upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof())
    assert again.version == 2
    assert list(confirmed.signed_documents.values_list("version", "status")) == [
        (2, "pending"),
        (1, "rejected"),
    ]
    assert verbs(confirmed.order)[-3:] == [
        "signed cancellation uploaded",
        "signed cancellation rejected",
        "signed cancellation uploaded",
    ]


@pytest.mark.parametrize(
    ("content", "name"),
    [(HTML_AS_PDF, "signed.pdf"), (b"", "empty.pdf"), (b"<svg></svg>", "signed.svg")],
)
def test_a_file_that_is_not_pdf_png_or_jpeg_is_refused(confirmed, buyer, content, name):
    with pytest.raises(CancellationError):
        upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof(content, name))
    assert not SignedCancellation.objects.exists()
    assert Cancellation.objects.get(pk=confirmed.pk).status == Cancellation.Status.CONFIRMED


def test_rejecting_a_signed_copy_needs_a_reason(signed, owner):
    with pytest.raises(CancellationError, match="reason"):
        reject_signed_cancellation(document=signed.signed_documents.get(), by=owner, reason="")
    assert signed.signed_documents.get().status == "pending"


# --- Apply ---------------------------------------------------------------------------------------


def test_applying_cancels_the_order_and_turns_confirmed_payments_into_credit(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "300"), by=owner)
    confirm_payment(payment=pay(pi, buyer, "200"), by=owner)
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)

    complete_cancellation(cancellation=cancellation, by=owner)

    cancellation.refresh_from_db()
    order = Order.objects.get(pk=pi.order_id)
    assert order.status == Order.Status.CANCELLED
    assert order.cancelled_at == cancellation.completed_at and order.cancel_reason == REASON
    assert cancellation.status == Cancellation.Status.COMPLETED
    assert cancellation.credited_amount == Decimal("500.000")
    assert cancellation.reversed_amount == Decimal("500.000")  # the unpaid rest of 1,000
    credit_row = Credit.objects.get()
    assert cancellation.credit == credit_row
    assert (credit_row.customer, credit_row.amount, credit_row.currency) == (
        order.customer,
        Decimal("500.000"),
        "USD",
    )
    assert cancellation.number in credit_row.reason and order.number in credit_row.reason
    assert verbs(order)[-1] == "order cancelled"


def test_rejected_and_pending_payments_never_become_credit(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "100"), by=owner)
    pending = pay(pi, buyer, "50")
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)

    with pytest.raises(CancellationError, match="awaits review"):
        complete_cancellation(cancellation=cancellation, by=owner)
    assert status_of(pi.order) != Order.Status.CANCELLED and not Credit.objects.exists()

    reject_payment(payment=pending, by=owner, reason="Unreadable")
    complete_cancellation(cancellation=cancellation, by=owner)
    assert Credit.objects.get().amount == Decimal("100.000")


def test_credit_already_applied_to_the_pi_is_given_back_too(pi, buyer, owner):
    customer = pi.order.customer
    earlier = credit(customer, "150")
    apply_credit(pi=pi, by=owner, credit=earlier, amount="150")
    confirm_payment(payment=pay(pi, buyer, "250"), by=owner)
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    assert Cancellation.objects.get(pk=cancellation.pk).received == Decimal("400.000")
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)

    complete_cancellation(cancellation=cancellation, by=owner)

    cancellation.refresh_from_db()
    assert cancellation.credited_amount == Decimal("400.000")
    assert cancellation.reversed_amount == Decimal("600.000")


def test_a_paid_order_can_be_cancelled_and_everything_paid_is_credited(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "1000"), by=owner)
    assert status_of(pi.order) == Order.Status.PAID
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)
    complete_cancellation(cancellation=cancellation, by=owner)

    assert status_of(pi.order) == Order.Status.CANCELLED
    assert Credit.objects.get().amount == Decimal("1000.000")
    assert Cancellation.objects.get(pk=cancellation.pk).reversed_amount == Decimal("0.000")


def test_a_confirmed_order_without_a_pi_is_cancelled_with_nothing_to_credit(buyer, owner):
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[{"description": "Box", "quantity": 1, "unit_price": 5}],
    )
    order = confirm_order(order=order, by=buyer, billing=BILLING)
    cancellation = request_cancellation(order=order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)
    complete_cancellation(cancellation=cancellation, by=owner)
    cancellation.refresh_from_db()
    assert status_of(order) == Order.Status.CANCELLED
    assert (cancellation.credited_amount, cancellation.reversed_amount) == (0, 0)
    assert cancellation.credit is None and not Credit.objects.exists()


def test_the_completion_email_goes_to_the_owner_and_the_customer(approved, owner, buyer):
    complete_cancellation(cancellation=approved, by=owner)
    sent = emails("cancellation_completed")
    assert sorted(e.to_email for e in sent) == sorted([owner.email, buyer.email])
    assert all(approved.number in e.subject for e in sent)
    assert all(approved.order.number in e.body_text for e in sent)


def test_after_cancelling_the_balance_and_statement_show_the_credit_owed(pi, buyer, owner):
    customer = pi.order.customer
    confirm_payment(payment=pay(pi, buyer, "300"), by=owner)
    assert tabs.combine_balance(tabs.summary_parts(customer)) == {"USD": Decimal("700.000")}
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)
    complete_cancellation(cancellation=cancellation, by=owner)
    cancellation.refresh_from_db()

    # Nothing is due on the cancelled order any more; we owe the customer the 300 paid.
    balance = tabs.combine_balance(tabs.summary_parts(customer))
    assert balance == {"USD": Decimal("-300.000")}
    statement = statement_for(
        customer, start=date(2000, 1, 1), end=timezone.localdate(), currency="USD"
    )
    assert statement.closing == balance["USD"]
    kinds = [row.kind for row in statement.rows]
    assert kinds.count("cancellation") == 1 and kinds.count("credit") == 1
    [row] = [row for row in statement.rows if row.kind == "cancellation"]
    assert row.credit == Decimal("700.00") and row.reference == cancellation.number
    # A statement that ends before the cancellation is unchanged: history is not rewritten.
    later = statement_for(
        customer, start=timezone.localdate(), end=timezone.localdate(), currency="USD"
    )
    assert later.closing == statement.closing


def test_the_credit_can_pay_a_later_invoice(pi, buyer, owner):
    confirm_payment(payment=pay(pi, buyer, "400"), by=owner)
    cancellation = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    document = upload_signed_cancellation(cancellation=cancellation, by=buyer, file=proof())
    approve_signed_cancellation(document=document, by=owner)
    complete_cancellation(cancellation=cancellation, by=owner)

    later = approved_pi(pi.order.customer, buyer, owner, total="400.00")
    apply_credit(pi=later, by=owner, credit=Credit.objects.get(), amount="400")
    assert status_of(later.order) == Order.Status.PAID


def test_payments_stop_once_the_order_is_cancelled(approved, owner, buyer):
    complete_cancellation(cancellation=approved, by=owner)
    pi = approved.order.proforma_invoices.get()
    with pytest.raises(OrderError):
        upload_payment(
            pi=pi,
            by=buyer,
            amount=Decimal("10"),
            paid_on=timezone.localdate(),
            bank_reference="X",
            file=proof(),
        )


# --- Back-office pages ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def seller_profile(db):
    profile = CompanyProfile.load()
    profile.legal_name = "Lumytic Trading LLC"
    profile.save()
    return profile


@pytest.fixture
def office(client, owner):
    client.force_login(owner)
    return client


def test_the_list_filters_by_status_awaiting_owner_customer_and_search(office, pi, buyer, owner):
    other_staff = StaffFactory(first_name="Zed")
    requested = request_cancellation(order=pi.order, by=buyer, reason=REASON)
    other_customer = PortalContactFactory(
        customer__name="Nile Valley", customer__advisor=other_staff
    )
    other_pi = approved_pi(other_customer.customer, other_customer.user, other_staff)
    Order.objects.filter(pk=other_pi.order_id).update(owner=other_staff)
    other = request_cancellation(
        order=Order.objects.get(pk=other_pi.order_id), by=other_customer.user, reason=REASON
    )
    confirm_cancellation(cancellation=other, by=other_staff)

    def shown(**params) -> set[str]:
        response = office.get(reverse("sales:cancellation-list"), params)
        assert response.status_code == 200
        html = response.content.decode()
        return {
            c.order.number for c in (requested, other) if f'data-order="{c.order.number}"' in html
        }

    both = {requested.order.number, other.order.number}
    assert shown() == both
    assert shown(status="confirmed") == {other.order.number}
    assert shown(awaiting="1") == {requested.order.number}
    assert shown(owner="me") == {requested.order.number}
    assert shown(owner=str(other_staff.pk)) == {other.order.number}
    assert shown(customer=str(other_customer.customer_id)) == {other.order.number}
    assert shown(q="Nile") == {other.order.number}
    assert shown(q=other.order.number) == {other.order.number}
    assert shown(status="nonsense", sort="bogus", page="99") == both


def test_the_list_runs_the_same_queries_for_5_and_50_rows(office, buyer, owner):
    def grow(count):
        for _ in range(count):
            pi = approved_pi(buyer.contact.customer, buyer, owner)
            request_cancellation(order=pi.order, by=buyer, reason=REASON)

    grow(5)
    with CaptureQueriesContext(connection) as five:
        assert office.get(reverse("sales:cancellation-list")).status_code == 200
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        assert (
            office.get(reverse("sales:cancellation-list"), {"sort": "customer"}).status_code == 200
        )
    assert len(five) == len(fifty)


def test_the_page_walks_through_every_step(office, requested, buyer, owner):
    url = reverse("sales:cancellation-detail", args=[requested.pk])
    html = office.get(url).content.decode()
    assert REASON in html and "Confirm and send for signing" in html

    assert (
        office.post(reverse("sales:cancellation-confirm", args=[requested.pk])).status_code == 302
    )
    requested.refresh_from_db()
    html = office.get(url).content.decode()
    assert requested.number in html and "waiting for the signed copy" in html
    pdf = office.get(reverse("sales:cancellation-pdf", args=[requested.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"

    document = upload_signed_cancellation(cancellation=requested, by=buyer, file=proof())
    html = office.get(url).content.decode()
    assert reverse("sales:signed-cancellation-approve", args=[document.pk]) in html
    file = office.get(reverse("sales:signed-cancellation-file", args=[document.pk]))
    assert b"".join(file.streaming_content) == PDF
    assert f"{requested.number}-signed-v1.pdf" in file["Content-Disposition"]

    response = office.post(reverse("sales:signed-cancellation-approve", args=[document.pk]))
    assert response.status_code == 302
    html = office.get(url).content.decode()
    assert "Apply the cancellation" in html
    response = office.post(reverse("sales:cancellation-complete", args=[requested.pk]))
    assert response.status_code == 302
    assert status_of(requested.order) == Order.Status.CANCELLED
    html = office.get(url).content.decode()
    assert "Credited to the customer" in html


def test_a_refusal_without_a_reason_is_a_400_and_changes_nothing(office, requested):
    response = office.post(
        reverse("sales:cancellation-refuse", args=[requested.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Give the customer a reason for refusing" in response.content.decode()
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REQUESTED
    assert not emails("cancellation_refused")

    response = office.post(
        reverse("sales:cancellation-refuse", args=[requested.pk]), {"reason": "Shipped already."}
    )
    assert response.status_code == 302
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REFUSED


def test_rejecting_a_signed_copy_without_a_reason_is_a_400(office, signed):
    document = signed.signed_documents.get()
    url = reverse("sales:signed-cancellation-reject", args=[document.pk])
    response = office.post(url, {"reason": " "})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert SignedCancellation.objects.get(pk=document.pk).status == "pending"
    assert office.post(url, {"reason": "Unsigned"}).status_code == 302
    assert SignedCancellation.objects.get(pk=document.pk).status == "rejected"


def test_an_illegal_step_from_the_page_is_a_message_not_an_error(office, requested):
    response = office.post(reverse("sales:cancellation-complete", args=[requested.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot become completed" in response.content.decode()
    assert office.get(reverse("sales:cancellation-pdf", args=[requested.pk])).status_code == 404


def test_staff_open_a_cancellation_from_the_order_page(office, pi):
    order_url = reverse("sales:order-detail", args=[pi.order_id])
    assert "Open a cancellation order" in office.get(order_url).content.decode()
    url = reverse("sales:order-cancellation-create", args=[pi.order_id])

    response = office.post(url, {"reason": ""})
    assert response.status_code == 400 and not Cancellation.objects.exists()

    response = office.post(url, {"reason": "Customer phoned."})
    cancellation = Cancellation.objects.get()
    assert response.status_code == 302 and response["Location"] == cancellation.get_absolute_url()
    html = office.get(order_url).content.decode()
    assert "Open a cancellation order" not in html
    assert cancellation.get_absolute_url() in html


def test_the_order_page_offers_no_cancellation_order_before_confirmation(office, buyer):
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[{"description": "Box", "quantity": 1, "unit_price": 5}],
    )
    html = office.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert "Open a cancellation order" not in html
    url = reverse("sales:order-cancellation-create", args=[order.pk])
    assert office.post(url, {"reason": "x"}, follow=True).status_code == 200
    assert not Cancellation.objects.exists()


def test_the_customer_tab_lists_cancellations_in_constant_queries(office, buyer, owner):
    customer = buyer.contact.customer
    url = reverse("sales:customer-cancellations", args=[customer.pk])
    assert "No cancellation orders for this customer." in office.get(url).content.decode()

    def grow(count):
        for _ in range(count):
            pi = approved_pi(customer, buyer, owner)
            request_cancellation(order=pi.order, by=buyer, reason=REASON)

    grow(5)
    with CaptureQueriesContext(connection) as five:
        html = office.get(url).content.decode()
    assert html.count("cancellation-status-requested") == 5
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        assert office.get(url).status_code == 200
    assert len(five) == len(fifty)
    other = CustomerFactory()
    assert (
        "No cancellation orders"
        in office.get(reverse("sales:customer-cancellations", args=[other.pk])).content.decode()
    )


def test_the_detail_page_runs_the_same_queries_for_1_and_8_versions(
    office, confirmed, buyer, owner
):
    def cycle():
        document = upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof())
        reject_signed_cancellation(document=document, by=owner, reason="Again")

    url = reverse("sales:cancellation-detail", args=[confirmed.pk])
    cycle()
    with CaptureQueriesContext(connection) as one:
        assert office.get(url).status_code == 200
    for _ in range(7):
        cycle()
    with CaptureQueriesContext(connection) as eight:
        html = office.get(url).content.decode()
    assert html.count("signed-cancellation-") >= 8
    assert len(one) == len(eight)


def test_the_sidebar_count_is_what_awaits_staff(requested, buyer, owner):
    """Requests to decide plus cancellations whose signed copy awaits review, each once."""
    from lumytic.core.nav import sidebar_counts as needs_action_counts

    other = approved_pi(buyer.contact.customer, buyer, owner)
    waiting = confirm_cancellation(
        cancellation=request_cancellation(order=other.order, by=buyer, reason=REASON), by=owner
    )
    assert needs_action_counts()["cancellations"] == 1
    upload_signed_cancellation(cancellation=waiting, by=buyer, file=proof())
    assert needs_action_counts()["cancellations"] == 2
    assert Cancellation.objects.awaiting_staff().count() == 2
    refuse_cancellation(cancellation=requested, by=owner, reason="No")
    assert needs_action_counts()["cancellations"] == 1


def test_the_sidebar_counts_cancellations_to_act_on(office, requested, owner):
    html = office.get(reverse("sales:cancellation-list")).content.decode()
    assert "cancellation orders to decide or review" in html
    confirm_cancellation(cancellation=requested, by=owner)
    html = office.get(reverse("sales:cancellation-list")).content.decode()
    assert "cancellation orders to decide or review" not in html


def test_portal_users_cannot_open_office_cancellation_pages(client, requested, buyer):
    client.force_login(buyer)
    for url in (
        reverse("sales:cancellation-list"),
        reverse("sales:cancellation-detail", args=[requested.pk]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("sales:cancellation-confirm", args=[requested.pk])).status_code == 403
    )
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REQUESTED


def test_the_admin_shows_cancellations_but_never_changes_them(client, signed):
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:sales_cancellation_changelist")).content.decode()
    assert signed.number in html
    change = client.get(reverse("admin:sales_cancellation_change", args=[signed.pk]))
    assert change.status_code == 200 and "signed.pdf" in change.content.decode()
    assert client.get(reverse("admin:sales_cancellation_add")).status_code == 403
    response = client.post(
        reverse("admin:sales_cancellation_delete", args=[signed.pk]), {"post": "yes"}
    )
    assert response.status_code == 403 and Cancellation.objects.filter(pk=signed.pk).exists()
