"""Portal orders after the cart: submit, update, confirm and cancel, the emails each step sends and
their buttons; mass assignment; query counts."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import ActivityEntry
from sales.models import Order
from sales.services.orders import confirm_order
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.helpers import link_in
from tests.portal.helpers import html_of, line, make_product, place
from tests.sales.helpers import BILLING, emails

pytestmark = pytest.mark.django_db


# --- Update, confirm, cancel and their emails ----------------------------------------------------


def test_updating_a_submitted_order_emails_the_customer_and_the_owner(
    client, customer, buyer, advisor
):
    order = place(customer, buyer)
    line_pk = order.lines.get().pk
    response = client.post(
        reverse("portal:order-lines", args=[order.pk]), {f"quantity-{line_pk}": "5"}
    )
    assert response.url == reverse("portal:order-detail", args=[order.pk])
    order.refresh_from_db()
    assert order.lines.get().quantity == 5 and order.status == Order.Status.SUBMITTED
    sent = emails("order_updated")
    assert {e.to_email for e in sent} == {"omar@acme.test", "advisor@lumytic.test"}
    assert all(order.number in e.subject and order.number in e.body_text for e in sent)
    assert_buttons_work(sent, order, buyer, advisor)


def assert_buttons_work(sent, order, buyer, advisor) -> None:
    """Each recipient's button opens the order on their own side."""
    for email in sent:
        client = Client()
        if email.to_email == advisor.email:
            client.force_login(advisor)
            path = link_in(email.body_text, "/office/")
            assert path == reverse("sales:order-detail", args=[order.pk])
        else:
            client.force_login(buyer)
            path = link_in(email.body_text, "/portal/")
            assert path == reverse("portal:order-detail", args=[order.pk])
        assert client.get(path).status_code == 200
        assert "Order Details" in email.body_html


def test_the_new_order_email_button_opens_the_office_page(client, customer, buyer, advisor):
    order = place(customer, buyer)
    [email] = emails("order_new")
    assert_buttons_work([email], order, buyer, advisor)


def test_confirm_is_prefilled_from_the_company_billing_and_shipping(client, customer, buyer):
    order = place(customer, buyer)
    response = client.get(reverse("portal:order-confirm", args=[order.pk]))
    form = response.context["billing"]
    assert form["street"].value() == "Sheikh Zayed Rd 1" and form["country"].value() == "AE"
    assert form["email"].value() == "billing@acme.test"
    assert response.context["confirm"]["shipping_same"].value() is True
    assert response.context["shipping"]["city"].value() == "Dubai"  # follows billing


def billing_data(prefix="billing", **overrides) -> dict:
    values = {
        "first_name": "Omar",
        "last_name": "Khalil",
        "street": "Sheikh Zayed Rd 1",
        "city": "Dubai",
        "country": "AE",
        "email": "billing@acme.test",
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in values.items()}


def test_confirm_with_shipping_same_as_billing_emails_customer_and_owner(
    client, customer, buyer, advisor
):
    order = place(customer, buyer)
    response = client.post(
        reverse("portal:order-confirm", args=[order.pk]),
        {**billing_data(), "shipping_same": "on", **billing_data("shipping", city="Ignored")},
        follow=True,
    )
    assert f"Thank you! Order {order.number} is confirmed." in html_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.shipping_city == order.billing_city == "Dubai"
    assert (order.base_currency, order.rate_source, order.total_base) == (
        "USD",
        "base",
        order.total,
    )
    sent = emails("order_confirmed")
    assert {e.to_email for e in sent} == {"omar@acme.test", "advisor@lumytic.test"}
    for email in sent:
        assert order.number in email.body_text
        assert "Billing" in email.body_text and "Shipping" in email.body_text
        assert "Sheikh Zayed Rd 1" in email.body_text
    assert_buttons_work(sent, order, buyer, advisor)


def test_confirm_with_separate_shipping_details(client, customer, buyer):
    order = place(customer, buyer)
    client.post(
        reverse("portal:order-confirm", args=[order.pk]),
        {**billing_data(), **billing_data("shipping", city="Sharjah", street="Port Rd 9")},
    )
    order.refresh_from_db()
    assert (order.billing_city, order.shipping_city) == ("Dubai", "Sharjah")
    [email] = [e for e in emails("order_confirmed") if e.to_email == "omar@acme.test"]
    assert "Port Rd 9" in email.body_text


def test_confirm_with_missing_details_is_a_400_and_changes_nothing(client, customer, buyer):
    order = place(customer, buyer)
    response = client.post(
        reverse("portal:order-confirm", args=[order.pk]),
        {**billing_data(city="", country="ZZ")},
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "This field is required." in html and "Select a valid choice." in html
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.billing_city == ""
    assert not emails("order_confirmed")


def test_confirm_without_a_rate_for_the_currency_is_refused(client, customer, buyer):
    order = place(customer, buyer, currency="EUR")
    response = client.post(
        reverse("portal:order-confirm", args=[order.pk]),
        {**billing_data(), "shipping_same": "on"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    [message] = messages
    assert "There is no exchange rate for EUR on" in message
    assert "can't be confirmed. Please try again later." in message
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.exchange_rate is None


def test_a_draft_must_be_submitted_before_it_is_confirmed(client, customer, buyer):
    order = place(customer, buyer, submit=False)
    response = client.get(reverse("portal:order-confirm", args=[order.pk]), follow=True)
    assert "Submit the order before confirming it." in html_of(response)
    response = client.post(
        reverse("portal:order-confirm", args=[order.pk]),
        {**billing_data(), "shipping_same": "on"},
        follow=True,
    )
    assert "cannot become confirmed" in html_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT


def test_cancel_before_confirmation_emails_customer_and_owner(client, customer, buyer, advisor):
    order = place(customer, buyer)
    response = client.post(
        reverse("portal:order-cancel", args=[order.pk]), {"reason": "Ordered twice"}, follow=True
    )
    assert f"Order {order.number} is cancelled." in html_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancel_reason == "Ordered twice"
    sent = emails("order_cancelled")
    assert {e.to_email for e in sent} == {"omar@acme.test", "advisor@lumytic.test"}
    assert all(order.number in e.body_text for e in sent)
    assert_buttons_work(sent, order, buyer, advisor)


def test_a_confirmed_order_cannot_be_changed_or_cancelled_in_the_portal(client, customer, buyer):
    blue = make_product()
    order = place(customer, buyer)
    confirm_order(order=order, by=buyer, billing=BILLING)
    line_pk = order.lines.get().pk
    response = client.get(reverse("portal:order-edit", args=[order.pk]), follow=True)
    assert f"Order {order.number} is confirmed; it can" in html_of(response)
    refusals = [
        (reverse("portal:order-cancel", args=[order.pk]), {}),
        (reverse("portal:order-line-add", args=[order.pk]), {"product": blue.pk, "quantity": 1}),
        (reverse("portal:order-lines", args=[order.pk]), {f"quantity-{line_pk}": "9"}),
        (reverse("portal:order-line-remove", args=[order.pk, line_pk]), {}),
        (reverse("portal:order-submit", args=[order.pk]), {}),
    ]
    for url, data in refusals:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        messages = [str(m) for m in response.context["messages"]]
        assert messages and any(
            "cancellation order" in m or "cannot become" in m for m in messages
        ), url
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert [(ln.product, ln.quantity) for ln in order.lines.all()] == [(None, 2)]
    assert not emails("order_updated") and not emails("order_cancelled")


def test_the_timeline_records_each_portal_step(client, customer, buyer):
    blue = make_product()
    client.post(reverse("portal:order-create"), {"product": blue.pk, "quantity": "1"})
    order = Order.objects.get()
    client.post(reverse("portal:order-submit", args=[order.pk]))
    client.post(
        reverse("portal:order-lines", args=[order.pk]),
        {f"quantity-{order.lines.get().pk}": "2"},
    )
    client.post(
        reverse("portal:order-confirm", args=[order.pk]), {**billing_data(), "shipping_same": "on"}
    )
    verbs = list(
        ActivityEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Order), target_id=str(order.pk)
        )
        .order_by("created_at", "pk")
        .values_list("verb", "actor")
    )
    assert verbs == [
        ("order created", buyer.pk),
        ("order submitted", buyer.pk),
        ("order updated", buyer.pk),
        ("order confirmed", buyer.pk),
    ]


# --- Mass assignment -----------------------------------------------------------------------------


def test_mass_assignment_probe_changes_nothing_on_any_portal_order_form(
    client, customer, buyer, advisor
):
    """Post customer, owner, status, placed_by, totals and staff flags to every order form."""
    other = CustomerFactory(name="Someone Else")
    intruder_owner = StaffFactory()
    colleague = PortalContactFactory(customer=customer, is_primary=False).user
    probe = {
        "customer": other.pk,
        "customer_id": other.pk,
        "owner": intruder_owner.pk,
        "owner_id": intruder_owner.pk,
        "status": "paid",
        "placed_by": colleague.pk,
        "total": "0.01",
        "subtotal": "0.01",
        "currency": "JPY",
        "number": "SO-1999-99999",
        "is_staff": "on",
        "is_superuser": "on",
        "role": "staff",
        "unit_price": "0.01",
        "discount_percent": "100",
    }
    blue = make_product()
    client.post(reverse("portal:order-create"), {**probe, "product": blue.pk, "quantity": "1"})
    order = Order.objects.get()
    line_pk = order.lines.get().pk
    for url, data in (
        (reverse("portal:order-line-add", args=[order.pk]), {"product": blue.pk, "quantity": 1}),
        (reverse("portal:order-lines", args=[order.pk]), {f"quantity-{line_pk}": "3"}),
        (reverse("portal:order-submit", args=[order.pk]), {}),
    ):
        assert client.post(url, {**probe, **data}).status_code in (200, 302, 400)
    line_pk = order.lines.get().pk
    client.post(
        reverse("portal:order-lines", args=[order.pk]), {**probe, f"quantity-{line_pk}": "2"}
    )
    client.post(
        reverse("portal:order-confirm", args=[order.pk]),
        {**probe, **billing_data(), "shipping_same": "on"},
    )
    order.refresh_from_db()
    assert order.customer == customer and order.owner == advisor and order.placed_by == buyer
    assert order.status == Order.Status.CONFIRMED and order.currency == "USD"
    assert order.number != "SO-1999-99999" and order.total == Decimal("21.00")
    [order_line] = order.lines.all()
    assert (order_line.unit_price, order_line.discount_percent) == (Decimal("10.00"), 0)
    second = place(customer, buyer)
    client.post(reverse("portal:order-cancel", args=[second.pk]), {**probe, "reason": "x"})
    second.refresh_from_db()
    assert second.status == Order.Status.CANCELLED and second.customer == customer
    buyer.refresh_from_db()
    assert (buyer.is_staff, buyer.is_superuser, buyer.role) == (False, False, "portal")
    assert not Order.objects.filter(customer=other).exists()


# --- Query counts --------------------------------------------------------------------------------


def test_portal_list_runs_the_same_queries_for_5_and_50_orders(client, customer, buyer):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:orders")).status_code == 200
        return len(queries)

    for _ in range(5):
        place(customer, buyer)
    five = count()
    for _ in range(45):
        place(customer, buyer)
    assert count() == five


def test_portal_detail_runs_the_same_queries_for_5_and_50_lines(client, customer, buyer):
    few = place(customer, buyer, lines=[line(f"Item {i}") for i in range(5)])
    many = place(customer, buyer, lines=[line(f"Item {i}") for i in range(50)])

    def count(order) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:order-detail", args=[order.pk])).status_code == 200
        return len(queries)

    assert count(few) == count(many)


def test_portal_cart_runs_the_same_queries_for_5_and_50_lines(client, customer, buyer):
    for index in range(15):
        make_product(f"P-{index}", f"Product {index}")
    few = place(customer, buyer, submit=False, lines=[line(f"Item {i}") for i in range(5)])
    many = place(customer, buyer, submit=False, lines=[line(f"Item {i}") for i in range(50)])

    def count(order) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:order-edit", args=[order.pk])).status_code == 200
        return len(queries)

    assert count(few) == count(many)
