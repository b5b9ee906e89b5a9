"""The status bar of an order: the workflow's steps, where the order is, who acts next and
what exactly; the office and the portal always name the same step and the same party."""

import re

import pytest
from django.urls import reverse

from portal.models import Area
from sales.models import Order
from sales.progress import CUSTOMER, SALES, STEPS, order_progress
from tests.factories import StaffFactory
from tests.portal.helpers import acme_buyer
from tests.sales.helpers import approved_pi

S = Order.Status


@pytest.mark.parametrize("status", S.values)
def test_every_status_names_one_party_and_one_action_on_each_side(status):
    portal = order_progress(status, side="portal")
    office = order_progress(status, side="office")

    assert portal.actor == office.actor
    assert (portal.action and office.action and portal.action != office.action) or (
        status == S.CANCELLED
    )
    assert [step.state for step in portal.steps] == [step.state for step in office.steps]
    current = [step.key for step in portal.steps if step.state == "current"]
    if status in (S.PAID, S.CANCELLED):
        assert current == [] and portal.actor is None
    else:
        assert len(current) == 1
        # Steps before the current one are done, those after it still to do.
        states = [step.state for step in portal.steps]
        index = states.index("current")
        assert set(states[:index]) <= {"done"} and set(states[index + 1 :]) <= {"todo"}


def test_a_paid_order_has_every_step_done_and_a_cancelled_one_none():
    assert {step.state for step in order_progress(S.PAID, side="office").steps} == {"done"}
    cancelled = order_progress(S.CANCELLED, side="portal")
    assert cancelled.cancelled and {step.state for step in cancelled.steps} == {"todo"}


def test_the_customer_acts_when_a_signature_or_a_payment_is_theirs_to_give():
    assert order_progress(S.PI_SENT, side="portal").actor == CUSTOMER
    assert order_progress(S.MEMO_SENT, side="portal").action == (
        "Upload the signed memo, then the payment proof."
    )
    assert order_progress(S.PAYMENT_UPLOADED, side="office").actor == SALES
    assert order_progress(S.PAYMENT_UPLOADED, side="office").action.startswith(
        "Check the payment proof"
    )


def _bar(html: str) -> tuple[str, str, str]:
    """(current step, actor, action) as the page shows them."""
    bar = re.search(r'<section class="order-progress.*?</section>', html, re.S)
    assert bar, "the page has no status bar"
    bar = bar.group(0)
    current = re.search(r'data-step="(\w+)" aria-current="step"', bar)
    actor = re.search(r'data-actor="(\w*)"', bar).group(1)
    action = re.search(r'class="order-next-action">([^<]*)<', bar).group(1)
    return (current.group(1) if current else ""), actor, action


@pytest.mark.django_db
def test_office_and_portal_order_pages_show_the_same_step_with_their_own_words(client, usd_site):
    owner = StaffFactory(email="owner@lumytic.test")
    contact = acme_buyer(owner, [Area.ORDERS, Area.INVOICES])
    pi = approved_pi(contact.customer, contact.user, owner)
    order_pk = pi.order_id
    staff_client, portal_client = client, client.__class__()
    staff_client.force_login(owner)
    portal_client.force_login(contact.user)

    seen = {}
    for status in (S.CONFIRMED, S.PI_SENT, S.PI_SIGNED, S.PI_APPROVED, S.MEMO_SENT, S.PAID):
        Order.objects.filter(pk=order_pk).update(status=status)
        office = staff_client.get(reverse("sales:order-detail", args=[order_pk]))
        portal = portal_client.get(reverse("portal:order-detail", args=[order_pk]))
        assert office.status_code == portal.status_code == 200
        office_bar, portal_bar = _bar(office.content.decode()), _bar(portal.content.decode())
        assert office_bar[:2] == portal_bar[:2]  # the same step, the same party
        assert office_bar[2] != portal_bar[2]  # each side in its own words
        seen[status] = (portal_bar, office_bar)

    assert seen[S.PI_SENT][0] == (
        "pi",
        CUSTOMER,
        "Download the proforma invoice, sign it and upload the signed copy.",
    )
    assert (
        seen[S.PI_SENT][1][2] == "Waiting for the customer to upload the signed proforma invoice."
    )
    assert seen[S.CONFIRMED][1] == (
        "confirmed",
        SALES,
        "Issue the proforma invoice and send it to the customer.",
    )
    assert seen[S.PI_APPROVED][0][0] == "payment"
    assert seen[S.PAID][0] == ("", "", "Paid in full. Thank you!")
    assert [key for key, _label, _statuses in STEPS][-1] == "paid"


def _first_line(email) -> str:
    """The line after the greeting."""
    return email.body_text.split("\n\n")[1].strip()


@pytest.mark.django_db
def test_each_emails_first_line_is_the_next_step_its_reader_sees_on_the_order_page(
    client, usd_site
):
    from notifications.models import OutboundEmail
    from sales.services.payments import confirm_payment
    from tests.sales.helpers import pay

    owner = StaffFactory(email="owner@lumytic.test")
    contact = acme_buyer(owner, [Area.ORDERS, Area.INVOICES])
    pi = approved_pi(contact.customer, contact.user, owner)
    Order.objects.filter(pk=pi.order_id).update(owner=owner)

    payment = pay(pi, contact.user, "400.00")  # staff must check it now
    [uploaded] = OutboundEmail.objects.filter(event="payment_uploaded", to_email=owner.email)
    client.force_login(owner)
    office = client.get(reverse("sales:order-detail", args=[pi.order_id])).content.decode()
    assert _first_line(uploaded) == _bar(office)[2]
    assert (
        _first_line(uploaded) == "Check the payment proof: confirm it, or reject it with a reason."
    )

    confirm_payment(payment=payment, by=owner)  # 600 still due: the customer pays the rest
    [confirmed] = OutboundEmail.objects.filter(
        event="payment_confirmed", to_email=contact.user.email
    )
    client.force_login(contact.user)
    portal = client.get(reverse("portal:order-detail", args=[pi.order_id])).content.decode()
    assert _first_line(confirmed) == _bar(portal)[2]
    assert _first_line(confirmed) == "Transfer the amount due and upload the payment proof (SWIFT)."
    assert "Transfer the amount due" in confirmed.body_html
