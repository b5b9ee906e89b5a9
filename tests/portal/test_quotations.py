"""The customer's quotations in the portal: only their own, never drafts, and answered safely."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from notifications.models import OutboundEmail
from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import Order, Quotation
from sales.services.quotations import create_quotation, send_quotation
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db

LINE = {
    "description": "Desk lamp",
    "quantity": Decimal("2"),
    "unit_price": Decimal("40.00"),
    "discount_percent": Decimal("0"),
    "tax_rate": Decimal("5"),
}


# What the accept form posts when the customer keeps shipping the same as billing.
ADDRESSES = {
    "billing-first_name": "Omar",
    "billing-street": "1 Harbour Road",
    "billing-city": "Dubai",
    "billing-country": "AE",
    "shipping_same": "on",
}


@pytest.fixture
def seller():
    return StaffFactory()


@pytest.fixture
def buyer(client):
    """A signed-in portal user of "Own Company" with every area."""
    contact = PortalContactFactory(customer__name="Own Company", areas=Area.values)
    client.force_login(contact.user)
    return contact


def quote(customer, seller, *, send: bool = True) -> Quotation:
    quotation = create_quotation(customer=customer, by=seller, lines=[dict(LINE)])
    if send:
        send_quotation(quotation=quotation, by=seller)
        quotation.refresh_from_db()
    return quotation


@pytest.fixture
def foreign(seller):
    other = CustomerFactory(name="Someone Else")
    PortalContactFactory(customer=other)
    return quote(other, seller)


def test_the_list_shows_the_customers_sent_quotations_but_no_drafts(client, buyer, seller, foreign):
    mine = quote(buyer.customer, seller)
    hidden = quote(buyer.customer, seller, send=False)
    html = client.get(reverse("portal:quotations")).content.decode()
    assert mine.number in html and "$84.00" in html
    assert hidden.number not in html and foreign.number not in html
    assert "Someone Else" not in html
    html = client.get(reverse("portal:quotations"), {"status": "draft"}).content.decode()
    assert hidden.number not in html


def test_the_detail_shows_lines_totals_and_the_answer_buttons(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    response = client.get(reverse("portal:quotation-detail", args=[quotation.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Desk lamp" in html and "$80.00" in html and "$84.00" in html
    assert reverse("portal:quotation-accept", args=[quotation.pk]) in html
    assert reverse("portal:quotation-decline", args=[quotation.pk]) in html
    assert reverse("portal:quotation-pdf", args=[quotation.pk]) in html


@pytest.mark.parametrize(
    "name", ["quotation-detail", "quotation-pdf", "quotation-accept", "quotation-decline"]
)
def test_drafts_and_foreign_quotations_are_404_on_every_page(client, buyer, seller, foreign, name):
    draft = quote(buyer.customer, seller, send=False)
    for quotation in (draft, foreign):
        url = reverse(f"portal:{name}", args=[quotation.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "No"}).status_code == 404
    for quotation in (draft, foreign):
        quotation.refresh_from_db()
        assert quotation.status in (Quotation.Status.DRAFT, Quotation.Status.SENT)
        assert quotation.decline_reason == ""
    assert not Order.objects.exists()


def test_the_quotations_area_is_required(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    set_portal_access(contact=buyer, by=None, areas=[Area.ORDERS])
    for name, args in [
        ("portal:quotations", []),
        ("portal:quotation-detail", [quotation.pk]),
        ("portal:quotation-pdf", [quotation.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("portal:quotation-accept", args=[quotation.pk])).status_code == 403
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT and not Order.objects.exists()


def test_staff_and_visitors_cannot_use_the_portal_pages(client, seller):
    customer = PortalContactFactory().customer
    quotation = quote(customer, seller)
    url = reverse("portal:quotation-detail", args=[quotation.pk])
    assert client.get(url).status_code == 302  # to the portal login
    client.force_login(seller)
    assert client.get(url).status_code == 403


def test_the_pdf_downloads(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    response = client.get(reverse("portal:quotation-pdf", args=[quotation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_accepting_with_the_addresses_places_a_confirmed_order_and_opens_it(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    url = reverse("portal:quotation-accept", args=[quotation.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="billing-first_name"' in form.content.decode()
    assert 'class="confirm-total">$84.00<' in form.content.decode()  # what is being accepted

    response = client.post(url, ADDRESSES)

    order = Order.objects.get()
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.ACCEPTED
    assert order.source_quotation == quotation and order.placed_by == buyer.user
    # One confirmation: the order is confirmed with the details given here.
    assert order.status == Order.Status.CONFIRMED
    assert (order.billing_city, order.shipping_city) == ("Dubai", "Dubai")
    assert OutboundEmail.objects.filter(event="order_confirmed").count() >= 1
    confirmed_to = list(
        OutboundEmail.objects.filter(event="order_confirmed").values_list("to_email", flat=True)
    )
    assert len(confirmed_to) == len(set(confirmed_to))  # each person once
    assert buyer.user.email in confirmed_to
    try:
        expected = reverse("portal:order-detail", args=[order.pk])
    except NoReverseMatch:
        expected = reverse("portal:home")
    assert response.status_code == 302 and response["Location"] == expected
    page = client.get(reverse("portal:home"), follow=True).content.decode()
    assert f"your order {order.number} is confirmed" in page

    # A second click finds it accepted: a message, no second order, no second email.
    response = client.post(url, ADDRESSES, follow=True)
    assert "cannot become accepted" in response.content.decode()
    assert Order.objects.count() == 1
    assert OutboundEmail.objects.filter(event="order_confirmed").count() == len(confirmed_to)


def test_accepting_without_the_billing_details_is_refused_with_the_form_kept(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    url = reverse("portal:quotation-accept", args=[quotation.pk])
    response = client.post(url, {**ADDRESSES, "billing-city": "", "billing-street": "Quay 4"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below." in html
    assert 'value="Quay 4"' in html  # what was typed is kept
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT and not Order.objects.exists()


def test_without_the_orders_area_accepting_lands_on_the_portal_home(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    set_portal_access(contact=buyer, by=None, areas=[Area.QUOTATIONS])
    response = client.post(reverse("portal:quotation-accept", args=[quotation.pk]), ADDRESSES)
    assert response["Location"] == reverse("portal:home")
    assert Order.objects.count() == 1


@pytest.mark.parametrize("status", ["accepted", "declined", "expired"])
def test_a_decided_quotation_shows_no_answer_buttons_and_refuses_answers(
    client, buyer, seller, status
):
    quotation = quote(buyer.customer, seller)
    Quotation.objects.filter(pk=quotation.pk).update(status=status)
    html = client.get(reverse("portal:quotation-detail", args=[quotation.pk])).content.decode()
    assert reverse("portal:quotation-accept", args=[quotation.pk]) not in html
    response = client.post(reverse("portal:quotation-accept", args=[quotation.pk]), follow=True)
    assert "cannot become accepted" in response.content.decode()
    response = client.post(
        reverse("portal:quotation-decline", args=[quotation.pk]), {"reason": "No"}, follow=True
    )
    assert "cannot become declined" in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.status == status and not Order.objects.exists()


def test_declining_needs_a_reason_and_records_it(client, buyer, seller):
    quotation = quote(buyer.customer, seller)
    url = reverse("portal:quotation-decline", args=[quotation.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Say why the quotation is declined." in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT

    response = client.post(url, {"reason": "We found a <b>cheaper</b> offer"})
    assert response.status_code == 302
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DECLINED
    assert quotation.decline_reason == "We found a <b>cheaper</b> offer"
    html = client.get(reverse("portal:quotation-detail", args=[quotation.pk])).content.decode()
    assert "We found a &lt;b&gt;cheaper&lt;/b&gt; offer" in html


def test_posting_extra_fields_to_accept_and_decline_changes_nothing_else(
    client, buyer, seller, foreign
):
    """Mass-assignment probe: customer, status, owner, totals and staff flags are never read."""
    staff = StaffFactory()
    probe = {
        "customer": foreign.customer_id,
        "customer_id": foreign.customer_id,
        "status": "accepted",
        "owner": staff.pk,
        "is_staff": "on",
        "is_superuser": "on",
        "role": "staff",
        "number": "QUO-HACKED",
        "total": "0.01",
        "currency": "JPY",
        "valid_until": "2099-12-31",
        "decline_reason": "set directly",
    }
    first = quote(buyer.customer, seller)
    second = quote(buyer.customer, seller)

    client.post(reverse("portal:quotation-decline", args=[first.pk]), {**probe, "reason": "Late"})
    client.post(reverse("portal:quotation-accept", args=[second.pk]), {**probe, **ADDRESSES})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decline_reason) == (Quotation.Status.DECLINED, "Late")
    assert second.status == Quotation.Status.ACCEPTED
    for quotation in (first, second):
        assert quotation.customer_id == buyer.customer_id
        assert quotation.number.startswith("QUO-") and quotation.number != "QUO-HACKED"
        assert (quotation.total, quotation.currency) == (Decimal("84.00"), "USD")
        assert quotation.valid_until.year != 2099
    order = Order.objects.get()
    assert order.customer_id == buyer.customer_id
    assert order.owner_id != staff.pk and order.total == Decimal("84.00")
    user = get_user_model().objects.get(pk=buyer.user_id)
    assert (user.is_staff, user.is_superuser, user.role) == (False, False, "portal")
    foreign.refresh_from_db()
    assert foreign.status == Quotation.Status.SENT


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_the_detail_run_constant_queries(client, buyer, seller):
    for _ in range(5):
        quote(buyer.customer, seller)
    few_list = _queries(client, reverse("portal:quotations"))
    small = create_quotation(customer=buyer.customer, by=seller, lines=[dict(LINE)] * 5)
    big = create_quotation(customer=buyer.customer, by=seller, lines=[dict(LINE)] * 50)
    for quotation in (small, big):
        send_quotation(quotation=quotation, by=seller)
    for _ in range(15):
        quote(buyer.customer, seller)
    assert _queries(client, reverse("portal:quotations")) == few_list
    assert _queries(client, reverse("portal:quotation-detail", args=[small.pk])) == _queries(
        client, reverse("portal:quotation-detail", args=[big.pk])
    )
