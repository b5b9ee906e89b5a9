"""Quotations, step by step: create, edit and duplicate, send (the PDF and the email), accept,
decline and expire; every step allowed and refused, the emails and the activity."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from customers.models import ActivityEntry
from lumytic.core.workflow import InvalidTransition
from sales.models import Order, Quotation
from sales.services.quotations import (
    QuotationError,
    accept_quotation,
    create_quotation,
    decline_quotation,
    duplicate_quotation,
    expire_quotations,
    send_quotation,
    update_quotation,
)
from sales.tasks import expire_overdue_quotations
from tests.factories import (
    ContactFactory,
    PortalContactFactory,
)
from tests.helpers import link_in
from tests.sales.quotation_helpers import CABLE, LAMP, draft, sent, verbs

pytestmark = pytest.mark.django_db


# --- Create, edit, duplicate ---------------------------------------------------------------------


def test_a_new_draft_gets_a_number_valid_until_in_30_days_and_server_computed_totals(
    customer, seller
):
    quotation = draft(customer, seller)
    year = timezone.localdate().year
    assert quotation.number == f"QUO-{year}-00001"
    assert draft(customer, seller).number == f"QUO-{year}-00002"
    assert quotation.status == Quotation.Status.DRAFT
    assert quotation.valid_until == timezone.localdate() + timedelta(days=30)
    assert quotation.currency == "USD"
    # 2 x 40 = 80, -10% = 72, +5% tax = 3.60; 3 x 5.50 = 16.50
    assert (quotation.subtotal, quotation.discount_total, quotation.tax_total, quotation.total) == (
        Decimal("96.50"),
        Decimal("8.00"),
        Decimal("3.60"),
        Decimal("92.10"),
    )
    lamp = quotation.lines.get(position=0)
    assert (lamp.net_amount, lamp.tax_amount) == (Decimal("72.00"), Decimal("3.60"))
    assert verbs(quotation) == ["quotation created"]
    entry = ActivityEntry.objects.get(verb="quotation created", target_id=str(quotation.pk))
    assert entry.customer == customer and entry.actor == seller


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one line"),
        ([{**LAMP, "quantity": Decimal("0")}], "quantity above zero"),
        ([{**LAMP, "unit_price": Decimal("-1")}], "cannot be negative"),
        ([{**LAMP, "discount_percent": Decimal("150")}], "between 0 and 100"),
        ([{**LAMP, "description": "  "}], "needs a description"),
        ([{**LAMP, "quantity": "lots"}], "must be a number"),
        (
            [{**LAMP, "quantity": Decimal("999999999"), "unit_price": Decimal("999999999")}],
            "too large",
        ),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(customer, seller, lines, message):
    with pytest.raises(QuotationError, match=message):
        create_quotation(customer=customer, by=seller, lines=lines)
    assert not Quotation.objects.exists()


def test_an_inactive_customer_or_a_foreign_contact_cannot_be_quoted(customer, seller):
    stranger = ContactFactory(is_primary=False)
    with pytest.raises(QuotationError, match="contact must be one of"):
        draft(customer, seller, contact=stranger)
    customer.is_active = False
    customer.save()
    with pytest.raises(QuotationError, match="inactive"):
        draft(customer, seller)
    assert not Quotation.objects.exists()


def test_editing_a_draft_replaces_lines_and_totals_and_records_the_change(customer, seller):
    quotation = draft(customer, seller)
    until = timezone.localdate() + timedelta(days=10)
    update_quotation(
        quotation=quotation,
        by=seller,
        lines=[{**CABLE, "quantity": Decimal("10")}],
        currency="EUR",
        contact=None,
        valid_until=until,
        terms="50% upfront",
    )
    quotation.refresh_from_db()
    assert [line.description for line in quotation.lines.all()] == ["Power cable"]
    assert (quotation.total, quotation.currency, quotation.valid_until) == (
        Decimal("55.00"),
        "EUR",
        until,
    )
    assert quotation.terms == "50% upfront"
    entry = ActivityEntry.objects.get(verb="quotation updated")
    assert entry.details["total"] == ["92.10 USD", "55.00 EUR"]
    assert entry.details["currency"] == ["USD", "EUR"]


@pytest.mark.parametrize("status", ["sent", "accepted", "declined", "expired"])
def test_only_a_draft_can_be_edited(customer, seller, status):
    quotation = draft(customer, seller)
    Quotation.objects.filter(pk=quotation.pk).update(status=status)
    with pytest.raises(QuotationError, match="only a draft can be changed"):
        update_quotation(
            quotation=quotation,
            by=seller,
            lines=[CABLE],
            currency="USD",
            contact=None,
            valid_until=quotation.valid_until,
        )
    quotation.refresh_from_db()
    assert quotation.total == Decimal("92.10") and quotation.lines.count() == 2


def test_duplicating_makes_a_fresh_draft_with_the_same_lines(customer, buyer, seller, today):
    original = sent(
        customer, seller, terms="Net 30", valid_until=timezone.localdate() + timedelta(days=5)
    )
    today(timezone.localdate() + timedelta(days=3))
    copy = duplicate_quotation(quotation=original, by=seller)
    assert copy.pk != original.pk and copy.number != original.number
    assert copy.status == Quotation.Status.DRAFT
    assert copy.valid_until == timezone.localdate() + timedelta(days=30)
    assert copy.terms == "Net 30" and copy.total == original.total
    assert [(line.description, line.quantity) for line in copy.lines.all()] == [
        (line.description, line.quantity) for line in original.lines.all()
    ]
    original.refresh_from_db()
    assert original.status == Quotation.Status.SENT
    assert verbs(copy) == ["quotation created", "quotation duplicated"]


# --- Send ----------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_sending_emails_the_primary_contact_the_pdf_and_a_portal_button(
    client, customer, buyer, seller, django_capture_on_commit_callbacks, mailoutbox
):
    quotation = draft(customer, seller)
    with django_capture_on_commit_callbacks(execute=True):
        send_quotation(quotation=quotation, by=seller)

    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT and quotation.sent_at is not None
    assert verbs(quotation) == ["quotation created", "quotation sent"]
    (email,) = mailoutbox
    assert email.to == ["omar@acme.test"]
    assert email.subject == f"Quotation {quotation.number}"
    assert "LUMYTIC | Sales" in email.from_email
    assert quotation.number in email.body
    assert f"Valid until: {date_format(quotation.valid_until, 'DATE_FORMAT')}" in email.body
    assert "Quotation Details" in email.body

    # The button opens the portal page, and the recipient can open it.
    path = link_in(email.body, "/portal/")
    assert path == reverse("portal:quotation-detail", args=[quotation.pk])
    client.force_login(buyer.user)
    response = client.get(path)
    assert response.status_code == 200 and quotation.number in response.content.decode()

    ((filename, content, mimetype),) = email.attachments
    assert (filename, mimetype) == (f"{quotation.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content)
    assert quotation.number in text
    assert "Desk lamp" in text and "Power cable" in text
    assert "$92.10" in text
    assert "Acme Trading" in text


def test_sending_to_a_chosen_contact_without_a_login_uses_their_email_on_the_portal_side(
    customer, buyer, seller, django_capture_on_commit_callbacks, mailoutbox
):
    other = ContactFactory(
        customer=customer, is_primary=False, first_name="Rana", email="rana@acme.test"
    )
    quotation = draft(customer, seller, contact=other)
    with django_capture_on_commit_callbacks(execute=True):
        send_quotation(quotation=quotation, by=seller)
    (email,) = mailoutbox
    assert email.to == ["rana@acme.test"]
    assert "Hello Rana" in email.body
    assert link_in(email.body, "/portal/") == f"/portal/quotations/{quotation.pk}/"
    assert "/office/" not in email.body


def test_sending_with_nobody_to_email_is_refused_and_nothing_changes(customer, seller):
    ContactFactory(customer=customer, email="")
    quotation = draft(customer, seller)
    with pytest.raises(QuotationError, match="Nobody to send it to"):
        send_quotation(quotation=quotation, by=seller)
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DRAFT and quotation.sent_at is None
    assert verbs(quotation) == ["quotation created"]


def test_a_quotation_whose_date_has_passed_cannot_be_sent(customer, buyer, seller, today):
    quotation = draft(customer, seller, valid_until=timezone.localdate())
    today(timezone.localdate() + timedelta(days=1))
    with pytest.raises(QuotationError, match="valid-until date has passed"):
        send_quotation(quotation=quotation, by=seller)
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DRAFT


@pytest.mark.parametrize("status", ["sent", "accepted", "declined", "expired"])
def test_only_a_draft_can_be_sent(customer, buyer, seller, status, mailoutbox):
    quotation = draft(customer, seller)
    Quotation.objects.filter(pk=quotation.pk).update(status=status)
    with pytest.raises(InvalidTransition, match="cannot become sent"):
        send_quotation(quotation=quotation, by=seller)
    quotation.refresh_from_db()
    assert quotation.status == status and not mailoutbox


# --- Accept --------------------------------------------------------------------------------------


def test_accepting_creates_the_order_and_emails_the_advisor(
    client, customer, buyer, seller, advisor, django_capture_on_commit_callbacks, mailoutbox
):
    quotation = sent(customer, seller)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = accept_quotation(quotation=quotation, by=buyer.user)

    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.ACCEPTED and quotation.decided_at
    assert order.source_quotation == quotation and order.customer == customer
    assert order.status == Order.Status.SUBMITTED and order.placed_by == buyer.user
    assert re.fullmatch(r"SO-\d{4}-\d{5}", order.number)
    assert order.total == quotation.total and order.currency == "USD"
    assert [line.description for line in order.lines.all()] == ["Desk lamp", "Power cable"]
    assert verbs(quotation)[-1] == "quotation accepted"

    (email,) = [m for m in mailoutbox if "New order" in m.subject]
    assert email.to == [advisor.email]
    assert email.subject == f"New order {order.number} from quotation {quotation.number}"
    assert order.number in email.body and quotation.number in email.body
    path = link_in(email.body, "/office/")
    assert path == reverse("sales:order-detail", args=[order.pk])
    client.force_login(advisor)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("status", ["draft", "accepted", "declined", "expired"])
def test_only_a_sent_quotation_can_be_accepted(customer, buyer, seller, status):
    quotation = draft(customer, seller)
    Quotation.objects.filter(pk=quotation.pk).update(status=status)
    with pytest.raises(InvalidTransition, match="cannot become accepted"):
        accept_quotation(quotation=quotation, by=buyer.user)
    quotation.refresh_from_db()
    assert quotation.status == status and not Order.objects.exists()


def assert_still_sent_without_order(quotation) -> None:
    """A refused acceptance left the quotation sent and made no order."""
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT and not Order.objects.exists()


def test_a_sent_quotation_past_its_date_cannot_be_accepted_even_before_the_expiry_run(
    customer, buyer, seller, today
):
    quotation = sent(customer, seller, valid_until=timezone.localdate() + timedelta(days=2))
    today(timezone.localdate() + timedelta(days=3))
    with pytest.raises(QuotationError, match="expired on"):
        accept_quotation(quotation=quotation, by=buyer.user)
    assert_still_sent_without_order(quotation)


def test_another_customers_user_cannot_accept(customer, buyer, seller):
    quotation = sent(customer, seller)
    stranger = PortalContactFactory()
    with pytest.raises(QuotationError, match="customer's own users"):
        accept_quotation(quotation=quotation, by=stranger.user)
    assert_still_sent_without_order(quotation)


def test_when_the_order_cannot_be_created_the_acceptance_is_undone(customer, buyer, seller):
    quotation = sent(customer, seller)
    customer.is_active = False  # create_order refuses inactive customers
    customer.save()
    with pytest.raises(QuotationError, match="inactive"):
        accept_quotation(quotation=quotation, by=buyer.user)
    assert_still_sent_without_order(quotation)
    assert "quotation accepted" not in verbs(quotation)


# --- Decline -------------------------------------------------------------------------------------


@pytest.mark.parametrize("send_first", [False, True])
def test_a_draft_or_sent_quotation_can_be_declined_with_a_reason(
    customer, buyer, seller, send_first
):
    quotation = sent(customer, seller) if send_first else draft(customer, seller)
    decline_quotation(quotation=quotation, by=seller, reason="  Too expensive  ")
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DECLINED
    assert quotation.decline_reason == "Too expensive" and quotation.decided_at
    entry = ActivityEntry.objects.get(verb="quotation declined")
    assert entry.details == {"reason": "Too expensive"} and entry.actor == seller


def test_declining_needs_a_reason(customer, seller):
    quotation = draft(customer, seller)
    with pytest.raises(QuotationError, match="Say why"):
        decline_quotation(quotation=quotation, by=seller, reason="   ")
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DRAFT and quotation.decline_reason == ""


@pytest.mark.parametrize("status", ["accepted", "declined", "expired"])
def test_a_decided_quotation_cannot_be_declined(customer, seller, status):
    quotation = draft(customer, seller)
    Quotation.objects.filter(pk=quotation.pk).update(status=status)
    with pytest.raises(InvalidTransition, match="cannot become declined"):
        decline_quotation(quotation=quotation, by=seller, reason="No")
    quotation.refresh_from_db()
    assert quotation.status == status and quotation.decline_reason == ""


# --- Expire --------------------------------------------------------------------------------------


def test_the_daily_task_expires_sent_quotations_past_their_date_only(
    customer, buyer, seller, today
):
    start = timezone.localdate()
    overdue = sent(customer, seller, valid_until=start + timedelta(days=1))
    due_today = sent(customer, seller, valid_until=start + timedelta(days=2))
    old_draft = draft(customer, seller, valid_until=start)
    today(start + timedelta(days=2))

    expire_overdue_quotations.delay()

    for quotation in (overdue, due_today, old_draft):
        quotation.refresh_from_db()
    assert overdue.status == Quotation.Status.EXPIRED and overdue.decided_at
    assert due_today.status == Quotation.Status.SENT  # still valid through its last day
    assert old_draft.status == Quotation.Status.DRAFT
    entry = ActivityEntry.objects.get(verb="quotation expired")
    assert entry.target_id == str(overdue.pk) and entry.actor is None
    assert entry.customer == customer
    assert expire_quotations(start + timedelta(days=2)) == 0  # a second run changes nothing


def test_the_expiry_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["quotation-expiry"]
    assert entry["task"] == "sales.tasks.expire_overdue_quotations"
    assert entry["schedule"].hour == {0}
