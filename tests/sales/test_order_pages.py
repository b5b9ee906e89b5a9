"""Back-office order pages: the order page, the staff steps (owner, cancel), a new order, the
customer page's Orders tab and the demo data. Each refused step leaves the order as it was."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import ActivityEntry
from notifications.models import OutboundEmail
from sales.models import Order, Product
from sales.services.orders import confirm_order, update_order
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.sales.helpers import BILLING, html_of, line, make_product, place

pytestmark = pytest.mark.django_db


# --- An order's page -----------------------------------------------------------------------------


def test_order_page_shows_lines_totals_addresses_timeline_and_documents(client, staff, customer):
    order = place(
        customer,
        lines=[line("Blue widget", "2", "10.00"), line("Red widget", "1", "5.50")],
        customer_reference="PO-1",
    )
    update_order(order=order, by=None, lines=[line("Blue widget", "3", "10.00")])
    confirm_order(order=order, by=None, billing={**BILLING, "street": "Sheikh Zayed Rd 1"})
    html = html_of(client.get(reverse("sales:order-detail", args=[order.pk])))
    assert order.number in html and "Acme Trading" in html and "PO-1" in html
    assert html.count('class="order-line"') == 1 and "Blue widget" in html
    assert "1 × Red widget</del> → <ins>3 × Blue widget" in html  # the update, on the timeline
    assert "$31.50" in html  # 30.00 + 5 % tax
    assert "Sheikh Zayed Rd 1" in html and "United Arab Emirates" in html
    assert "No documents yet" in html
    timeline = html.split('class="list-unstyled small mb-0 activity-list order-timeline"')[1]
    verbs = ["order confirmed", "order updated", "order submitted", "order created"]
    positions = [timeline.index(verb) for verb in verbs]
    assert positions == sorted(positions)  # newest first
    assert "Cancel order" not in html  # confirmed: only a cancellation order can cancel it


def test_confirmed_order_in_another_currency_shows_the_base_total_rate_source_and_date(
    client, staff, customer, add_rate
):
    add_rate("EUR", "0.8", on=date(2026, 3, 2))
    order = place(customer, currency="EUR", lines=[line(quantity="2", tax="0")])
    confirm_order(order=order, by=None, billing=BILLING, on=date(2026, 3, 5))
    html = html_of(client.get(reverse("sales:order-detail", args=[order.pk])))
    assert "€20.00" in html
    assert "Rate: 1 EUR = 1.25 USD" in html and "daily rate" in html
    assert "Total in USD" in html and "$25.00" in html
    assert "for 03/02/2026" in html  # the day of the rate used, not the day of confirmation


def test_order_page_runs_the_same_queries_for_5_and_50_lines(client, staff, customer):
    few = place(customer, lines=[line(f"Item {i}") for i in range(5)])
    many = place(customer, lines=[line(f"Item {i}") for i in range(50)])
    for order in (few, many):
        update_order(order=order, by=staff, lines=[line("Changed")] * (5 if order == few else 50))

    def count(order) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("sales:order-detail", args=[order.pk])).status_code == 200
        return len(queries)

    assert count(few) == count(many)


def test_an_unknown_order_is_a_404(client, staff):
    assert client.get(reverse("sales:order-detail", args=[999999])).status_code == 404


# --- Staff steps ---------------------------------------------------------------------------------


def test_staff_assign_the_owner_and_it_is_on_the_timeline(client, staff, customer, advisor):
    order = place(customer)
    samir = StaffFactory(first_name="Samir", last_name="Nasser")
    response = client.post(reverse("sales:order-owner", args=[order.pk]), {"owner": samir.pk})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.owner == samir
    entry = ActivityEntry.objects.get(verb="owner changed")
    assert entry.actor == staff and entry.details["owner"] == [str(advisor), str(samir)]
    page = html_of(client.get(response.url))
    assert "Samir Nasser now owns order" in page


def test_the_owner_must_be_active_staff(client, staff, customer, advisor):
    order = place(customer)
    buyer = PortalContactFactory(customer=customer, is_primary=False).user
    retired = StaffFactory(is_active=False)
    for value in (buyer.pk, retired.pk, "abc"):
        response = client.post(reverse("sales:order-owner", args=[order.pk]), {"owner": value})
        assert response.status_code == 400
        assert "Choose an active staff member as the owner." in html_of(response)
    order.refresh_from_db()
    assert order.owner == advisor
    assert not ActivityEntry.objects.filter(verb="owner changed").exists()


def test_staff_cancel_an_open_order_with_a_reason(client, staff, customer, advisor):
    buyer = PortalContactFactory(customer=customer, email="omar@acme.test").user
    order = place(customer, placed_by=buyer, by=buyer)
    response = client.post(
        reverse("sales:order-cancel", args=[order.pk]), {"reason": "Duplicate order"}, follow=True
    )
    assert f"Order {order.number} is cancelled." in html_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancel_reason == "Duplicate order"
    emails = OutboundEmail.objects.filter(event="order_cancelled")
    assert {e.to_email for e in emails} == {"omar@acme.test", "advisor@lumytic.test"}


def test_cancelling_needs_a_reason(client, staff, customer):
    order = place(customer)
    response = client.post(reverse("sales:order-cancel", args=[order.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Give a reason for cancelling." in html_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_a_confirmed_order_cannot_be_cancelled_here(client, staff, customer):
    order = place(customer)
    confirm_order(order=order, by=None, billing=BILLING)
    response = client.post(
        reverse("sales:order-cancel", args=[order.pk]), {"reason": "Too late"}, follow=True
    )
    assert "it can only be cancelled by a cancellation order" in html_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.cancel_reason == ""


def test_staff_may_confirm_a_submitted_order_for_the_customer_only(client, staff, customer):
    """Issue 17: staff confirm on the customer's behalf (tests/sales/test_order_confirm_for_
    customer.py); the step shows on a submitted order and nowhere else."""
    order = place(customer)
    confirm = reverse("sales:order-confirm", args=[order.pk])
    html = html_of(client.get(reverse("sales:order-detail", args=[order.pk])))
    assert confirm in html and "Act for the customer" in html
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CONFIRMED)
    html = html_of(client.get(reverse("sales:order-detail", args=[order.pk])))
    assert confirm not in html and "Act for the customer" not in html


def test_step_urls_take_post_only(client, staff, customer):
    order = place(customer)
    for name in ("sales:order-owner", "sales:order-cancel"):
        assert client.get(reverse(name, args=[order.pk])).status_code == 302


# --- A new order ---------------------------------------------------------------------------------


def test_new_order_starts_by_finding_the_customer(client, staff, customer):
    CustomerFactory(name="Acme Dormant", is_active=False)
    url = reverse("sales:order-create")
    html = html_of(client.get(url, {"q": "acme"}))
    assert "Acme Trading" in html and "Acme Dormant" not in html
    fragment = client.get(
        url, {"q": "acme"}, headers={"HX-Request": "true", "HX-Target": "customer-results"}
    )
    assert fragment.status_code == 200
    assert "<html" not in html_of(fragment) and "Acme Trading" in html_of(fragment)


def test_product_picker_finds_active_products(client, staff):
    make_product("W-1", "Blue widget")
    make_product("W-2", "Old widget", active=False)
    html = html_of(client.get(reverse("sales:order-product-search"), {"product_q": "widget"}))
    assert "Blue widget" in html and "Old widget" not in html
    assert 'name="add_product"' in html


def test_staff_place_an_order_with_the_line_editor(client, staff, customer, advisor):
    customer.discount_type, customer.discount_value = "percent", Decimal("10")
    customer.save()
    blue = make_product("W-1", "Blue widget", "10.00")
    red = make_product("W-2", "Red widget", "4.00", tax="0")
    url = reverse("sales:order-create")
    base = {"customer": customer.pk, "currency": "USD", "customer_reference": "PO-9"}

    page = client.post(url, {**base, "add_product": blue.pk})
    assert page.status_code == 200 and "Blue widget" in html_of(page)
    page = client.post(
        url,
        {**base, "line-product": [blue.pk], "line-quantity": ["3"], "add_product": red.pk},
    )
    assert "Red widget" in html_of(page) and "$31.95" in html_of(page)
    response = client.post(
        url,
        {
            **base,
            "line-product": [blue.pk, red.pk],
            "line-quantity": ["3", "1"],
            "action": "create",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.status == Order.Status.SUBMITTED and order.owner == advisor
    assert order.customer_reference == "PO-9" and order.placed_by is None
    assert [(ln.product, ln.quantity, ln.discount_percent) for ln in order.lines.all()] == [
        (blue, Decimal("3"), Decimal("10")),
        (red, Decimal("1"), Decimal("10")),
    ]
    assert order.total == Decimal("31.95")  # 27.00 + 1.35 tax + 3.60
    [email] = OutboundEmail.objects.filter(event="order_new")
    assert email.to_email == "advisor@lumytic.test"


def test_removing_a_line_from_the_editor(client, staff, customer):
    blue = make_product("W-1", "Blue widget")
    red = make_product("W-2", "Red widget")
    response = client.post(
        reverse("sales:order-create"),
        {
            "customer": customer.pk,
            "currency": "USD",
            "line-product": [blue.pk, red.pk],
            "line-quantity": ["1", "1"],
            "remove": "0",
        },
    )
    rows = response.context["rows"]
    assert [row.product for row, _line in rows] == [red]
    assert not Order.objects.exists()


def test_new_order_refuses_bad_lines_with_a_message_and_creates_nothing(client, staff, customer):
    blue = make_product("W-1", "Blue widget")
    old = make_product("W-2", "Old widget", active=False)
    url = reverse("sales:order-create")
    base = {"customer": customer.pk, "currency": "USD", "action": "create"}
    cases = [
        ({}, "Add at least one product"),
        ({"line-product": [blue.pk], "line-quantity": ["abc"]}, "Enter a number."),
        ({"line-product": [blue.pk], "line-quantity": ["0"]}, "Enter a quantity above zero."),
        ({"line-product": [blue.pk], "line-quantity": ["1e20"]}, "Ensure that there are no more"),
        ({"line-product": [old.pk], "line-quantity": ["1"]}, "not available any more"),
        ({"line-product": ["x"], "line-quantity": ["1"]}, "not available any more"),
    ]
    for data, message in cases:
        response = client.post(url, {**base, **data})
        assert response.status_code == 400, data
        assert message in html_of(response), data
    assert not Order.objects.exists()


def post_one_line_order(client, customer, product):
    """Create a USD order for `customer` with one of `product` from the office's form."""
    data = {
        "customer": customer.pk,
        "currency": "USD",
        "line-product": [product.pk],
        "line-quantity": ["1"],
        "action": "create",
    }
    return client.post(reverse("sales:order-create"), data)


def test_a_product_without_a_rate_for_the_order_currency_is_refused(client, staff, customer):
    euro_thing = make_product("E-1", "Euro thing", currency="EUR")
    response = post_one_line_order(client, customer, euro_thing)
    assert response.status_code == 400
    assert "no exchange rate for EUR" in html_of(response)
    assert not Order.objects.exists()


def test_an_inactive_customer_cannot_order(client, staff):
    dormant = CustomerFactory(is_active=False, default_currency="USD")
    blue = make_product()
    response = post_one_line_order(client, dormant, blue)
    assert response.status_code == 400 and "inactive; it cannot order" in html_of(response)
    assert not Order.objects.exists()


def test_new_order_for_an_unknown_customer_is_a_404(client, staff):
    assert client.get(reverse("sales:order-create"), {"customer": 999999}).status_code == 404
    response = client.post(reverse("sales:order-create"), {"customer": "", "action": "create"})
    assert response.status_code == 302 and not Order.objects.exists()


# --- The customer page's Orders tab --------------------------------------------------------------


def test_customer_orders_tab_lists_that_customers_orders(client, staff, customer):
    mine = place(customer)
    theirs = place(CustomerFactory(name="Baltic Retail"))
    cart = place(customer, submit=False)
    url = reverse("sales:customer-orders", args=[customer.pk])
    response = client.get(url)
    assert [o.pk for o in response.context["object_list"]] == [mine.pk]
    html = html_of(response)
    assert mine.number in html and theirs.number not in html and cart.pk
    assert f"{reverse('sales:order-create')}?customer={customer.pk}" in html
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "customer-tab"})
    assert "<html" not in html_of(fragment) and mine.number in html_of(fragment)


# --- Demo ----------------------------------------------------------------------------------------


def test_demo_orders_cover_every_stage_so_far_and_load_once(advisor):
    from sales.demo_orders import load_demo_orders

    acme = CustomerFactory(name="Acme Trading FZE", advisor=advisor)
    PortalContactFactory(customer=acme, email="omar@acme.test")
    CustomerFactory(name="Nile Valley Supplies", advisor=advisor)
    CustomerFactory(name="Baltic Retail OÜ", advisor=advisor)

    added = load_demo_orders()
    assert added == 6  # Cedar Line is not there: its order is skipped
    assert load_demo_orders() == 0
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "confirmed", "cancelled"}
    cart = Order.objects.get(status="draft")
    assert cart.customer == acme and cart.placed_by.email == "omar@acme.test"
    assert ActivityEntry.objects.filter(verb="order updated").exists()
    assert Product.objects.count() == 8


def test_customer_orders_tab_runs_the_same_queries_for_5_and_50_orders(client, staff, customer):
    url = reverse("sales:customer-orders", args=[customer.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(5):
        place(customer)
    count()  # warm the per-process caches (content types) that any first page fills
    few = count()
    for _ in range(45):
        place(customer)
    assert count() == few
