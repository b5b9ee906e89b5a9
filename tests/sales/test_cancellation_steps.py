"""Cancellation orders, step by step: request, confirm (numbered PDF) or refuse, the illegal steps,
signed copies approved or rejected; the emails and the activity."""

import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import ActivityEntry, Credit
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
from sales.services.orders import OrderError, create_order
from tests.helpers import link_in
from tests.sales.helpers import (
    CANCELLATION_REASON,
    PDF,
    approved_pi,
    emails,
    pdf_text,
    proof,
    status_of,
    verbs,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "seller_profile")]


HTML_AS_PDF = b"<html><script>alert(1)</script></html>"


# --- Request -------------------------------------------------------------------------------------


def test_a_customer_requests_the_cancellation_of_a_confirmed_order(pi, buyer, owner):
    cancellation = request_cancellation(
        order=pi.order, by=buyer, reason=f"  {CANCELLATION_REASON} "
    )

    assert cancellation.status == Cancellation.Status.REQUESTED
    assert cancellation.number is None  # numbered when confirmed
    assert (cancellation.reason, cancellation.requested_by, cancellation.owner) == (
        CANCELLATION_REASON,
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
    assert "Falcon Logistics" in to_owner.body_text and CANCELLATION_REASON in to_owner.body_text
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
        request_cancellation(order=order, by=buyer, reason=CANCELLATION_REASON)
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
    text = pdf_text(render_cancellation_pdf(cancellation))
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
    refused = request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)
    refuse_cancellation(cancellation=refused, by=owner, reason="No.")
    first = confirm_cancellation(
        cancellation=request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON),
        by=owner,
    )
    second = confirm_cancellation(
        cancellation=request_cancellation(order=other.order, by=buyer, reason=CANCELLATION_REASON),
        by=owner,
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
