"""Portal orders, building one: access and scoping, "only show my own orders", the cart built from
the catalogue, its lines and bad input."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import ExchangeRate, Order
from sales.services.currency import ensure_currencies
from sales.services.orders import create_order
from tests.factories import CustomerFactory, StaffFactory
from tests.portal.helpers import html_of, line, make_product, own_orders_only, place
from tests.sales.helpers import emails

pytestmark = pytest.mark.django_db


# --- Access and scoping --------------------------------------------------------------------------


def test_the_orders_area_is_required(client, customer, buyer):
    order = place(customer, buyer)
    set_portal_access(contact=buyer.contact, by=None, areas=[Area.QUOTATIONS])
    gets = ["portal:orders", "portal:order-create"]
    for name in gets:
        assert client.get(reverse(name)).status_code == 403
    for name in ("portal:order-detail", "portal:order-edit", "portal:order-confirm"):
        assert client.get(reverse(name, args=[order.pk])).status_code == 403
    for name in ("portal:order-submit", "portal:order-cancel", "portal:order-lines"):
        assert client.post(reverse(name, args=[order.pk])).status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_anonymous_visitors_go_to_the_portal_login():
    response = Client().get(reverse("portal:orders"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))


def test_staff_get_a_403_in_the_portal(client, customer, buyer):
    order = place(customer, buyer)
    client.force_login(StaffFactory())
    assert client.get(reverse("portal:order-detail", args=[order.pk])).status_code == 403


def test_the_list_shows_the_customers_orders_but_not_colleagues_carts(
    client, customer, buyer, colleague
):
    mine = place(customer, buyer, customer_reference="PO-1")
    theirs = place(customer, colleague)
    their_cart = place(customer, colleague, submit=False)
    my_cart = place(customer, buyer, submit=False)
    foreign = place(CustomerFactory(name="Someone Else"), None)
    response = client.get(reverse("portal:orders"))
    assert {o.pk for o in response.context["object_list"]} == {mine.pk, theirs.pk, my_cart.pk}
    html = html_of(response)
    assert "Someone Else" not in html and foreign.number not in html
    assert client.get(reverse("portal:order-detail", args=[their_cart.pk])).status_code == 404
    found = client.get(reverse("portal:orders"), {"q": "po-1"}).context["object_list"]
    assert [o.pk for o in found] == [mine.pk]
    found = client.get(reverse("portal:orders"), {"status": "draft"}).context["object_list"]
    assert [o.pk for o in found] == [my_cart.pk]


def test_only_my_own_orders_in_list_detail_actions_and_home(client, customer, buyer, colleague):
    mine = place(customer, buyer)
    theirs = place(customer, colleague)
    staff_placed = create_order(customer=customer, by=None, lines=[line()])
    own_orders_only(buyer)

    listed = client.get(reverse("portal:orders")).context["object_list"]
    assert [o.pk for o in listed] == [mine.pk]
    for other in (theirs, staff_placed):
        assert client.get(reverse("portal:order-detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("portal:order-edit", args=[other.pk])).status_code == 404
        assert client.get(reverse("portal:order-confirm", args=[other.pk])).status_code == 404
        for name in (
            "portal:order-cancel",
            "portal:order-submit",
            "portal:order-lines",
            "portal:order-line-add",
            "portal:order-confirm",
        ):
            assert client.post(reverse(name, args=[other.pk]), {}).status_code == 404, name
        line_pk = other.lines.get().pk
        remove = reverse("portal:order-line-remove", args=[other.pk, line_pk])
        assert client.post(remove).status_code == 404
        other.refresh_from_db()
        assert other.status == Order.Status.SUBMITTED and other.lines.count() == 1
    home = client.get(reverse("portal:home"))
    assert "1 order awaits your confirmation" in html_of(home)


def test_without_own_orders_only_a_user_sees_and_acts_on_colleagues_orders(
    client, customer, buyer, colleague
):
    theirs = place(customer, colleague)
    assert client.get(reverse("portal:order-detail", args=[theirs.pk])).status_code == 200
    home = client.get(reverse("portal:home"))
    assert "1 order awaits your confirmation" in html_of(home)
    assert theirs.number in html_of(home)


def test_the_home_reads_orders_in_one_query_the_items_that_are_also_the_counts(
    client, customer, buyer
):
    place(customer, buyer)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:home"))
    # Every waiting item in one query (a UNION); the badges count its rows.
    assert sum('"sales_order"' in q["sql"] for q in queries) == 1


def test_a_line_of_another_order_is_a_404(client, customer, buyer):
    mine = place(customer, buyer)
    other = place(customer, buyer)
    url = reverse("portal:order-line-remove", args=[mine.pk, other.lines.get().pk])
    assert client.post(url).status_code == 404
    assert other.lines.count() == 1


# --- Building an order from the catalogue --------------------------------------------------------


def test_catalogue_lists_active_products_with_the_customers_price(client, customer, buyer):
    customer.discount_type, customer.discount_value = "percent", Decimal("10")
    customer.save()
    make_product("W-1", "Blue widget", "10.00")
    make_product("W-2", "Old widget", "10.00", is_active=False)
    make_product("G-1", "Green gadget", "7.00")
    response = client.get(reverse("portal:order-create"))
    html = html_of(response)
    assert "Blue widget" in html and "Green gadget" in html and "Old widget" not in html
    assert "$10.00" in html and "−10 %" in html
    found = client.get(reverse("portal:order-create"), {"q": "gadget"})
    assert [p.name for p, _line in found.context["catalogue"]] == ["Green gadget"]
    fragment = client.get(
        reverse("portal:order-create"),
        {"q": "gadget"},
        headers={"HX-Request": "true", "HX-Target": "catalogue"},
    )
    assert "<html" not in html_of(fragment) and "Green gadget" in html_of(fragment)


def test_a_product_in_another_currency_is_priced_in_the_customers_currency(client, customer, buyer):
    ensure_currencies()
    ExchangeRate.objects.create(
        currency_id="EUR", date=date(2026, 1, 2), rate=Decimal("0.8"), source="ecb"
    )
    euro = make_product("E-1", "Euro widget", "8.00", currency="EUR", tax="0")
    html = html_of(client.get(reverse("portal:order-create")))
    assert "$10.00" in html  # 8 EUR at 0.8 EUR per USD
    client.post(reverse("portal:order-create"), {"product": euro.pk, "quantity": "2"})
    order = Order.objects.get()
    assert order.currency == "USD" and order.total == Decimal("20.00")


def test_a_product_without_a_rate_shows_price_on_request(client, customer, buyer):
    euro = make_product("E-1", "Euro widget", "8.00", currency="EUR")
    assert "Price on request" in html_of(client.get(reverse("portal:order-create")))
    response = client.post(
        reverse("portal:order-create"), {"product": euro.pk, "quantity": "1"}, follow=True
    )
    assert "no exchange rate for EUR" in html_of(response)
    assert not Order.objects.exists()


def test_build_a_cart_change_it_and_submit_it(client, customer, buyer, advisor):
    blue = make_product("W-1", "Blue widget", "10.00")
    green = make_product("G-1", "Green gadget", "7.00", tax="0")

    response = client.post(reverse("portal:order-create"), {"product": blue.pk, "quantity": "2"})
    order = Order.objects.get()
    assert response.url == reverse("portal:order-edit", args=[order.pk])
    assert (order.status, order.placed_by, order.owner) == (Order.Status.DRAFT, buyer, advisor)
    assert order.number is None
    # Coming back to "New order" opens the same cart.
    assert client.get(reverse("portal:order-create")).url == response.url

    add = reverse("portal:order-line-add", args=[order.pk])
    client.post(add, {"product": green.pk, "quantity": "1"})
    client.post(add, {"product": blue.pk, "quantity": "1"})  # the same product: one line
    lines = list(order.lines.all())
    assert [(ln.product, ln.quantity) for ln in lines] == [(blue, 3), (green, 1)]

    client.post(
        reverse("portal:order-lines", args=[order.pk]),
        {
            f"quantity-{lines[0].pk}": "4",
            f"quantity-{lines[1].pk}": "2",
            "customer_reference": "PO-5",
        },
    )
    order.refresh_from_db()
    assert order.customer_reference == "PO-5"
    assert order.total == Decimal("56.00")  # 40 + 2 tax + 14

    green_line = order.lines.get(product=green)  # lines are rewritten on each change
    client.post(reverse("portal:order-line-remove", args=[order.pk, green_line.pk]))
    assert [ln.product for ln in order.lines.all()] == [blue]
    assert not emails("order_updated")  # a cart changes quietly

    response = client.post(reverse("portal:order-submit", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.number.startswith("SO-")
    assert f"Order {order.number} is sent to our sales team" in html_of(response)
    [email] = emails("order_new")
    assert email.to_email == "advisor@lumytic.test"
    assert order.number in email.body_text and "Acme Trading" in email.body_text
    assert email.from_email.startswith('"LUMYTIC | Customer Portal"') or "Customer Portal" in (
        email.from_email
    )


def test_submit_saves_what_was_typed_first_or_submits_nothing(client, customer, buyer):
    order = place(customer, buyer, submit=False)
    [cart_line] = order.lines.all()
    lines = reverse("portal:order-lines", args=[order.pk])
    page = html_of(client.get(reverse("portal:order-edit", args=[order.pk])))
    assert 'form="cart-form" name="then" value="submit"' in page  # Submit is the cart's button

    refused = client.post(
        lines,
        {f"quantity-{cart_line.pk}": "abc", "customer_reference": "PO-9", "then": "submit"},
    )
    assert refused.status_code == 400
    html = html_of(refused)
    assert "the order is not submitted yet" in html
    assert 'value="PO-9"' in html and 'value="abc"' in html  # what was typed is kept
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT and order.customer_reference == ""

    response = client.post(
        lines,
        {
            f"quantity-{cart_line.pk}": "5",
            "customer_reference": "PO-9",
            "notes": "Leave at the gate",
            "then": "submit",
        },
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert (order.customer_reference, order.notes) == ("PO-9", "Leave at the gate")
    assert order.lines.get().quantity == 5
    assert f"Order {order.number} is sent to our sales team" in html_of(response)


def test_adding_a_product_keeps_what_was_typed_in_the_cart(client, customer, buyer):
    blue = make_product("W-1", "Blue widget", "10.00")
    order = place(customer, buyer, submit=False)
    [cart_line] = order.lines.all()
    add = reverse("portal:order-line-add", args=[order.pk])
    carried = {f"quantity-{cart_line.pk}": "7", "customer_reference": "PO-3", "notes": "Gate B"}

    refused = client.post(add, {"product": blue.pk, "quantity": "1", **carried, "notes": "\x00"})
    assert refused.status_code == 400
    assert order.lines.count() == 1  # nothing added while the cart's fields are wrong

    client.post(add, {"product": blue.pk, "quantity": "1", **carried})
    order.refresh_from_db()
    assert (order.customer_reference, order.notes) == ("PO-3", "Gate B")
    assert sorted((line.description, line.quantity) for line in order.lines.all()) == [
        ("Blue widget", 1),
        (cart_line.description, 7),
    ]


def test_removing_a_line_keeps_what_was_typed_in_the_cart(client, customer, buyer):
    blue, green = make_product("W-1", "Blue widget", "10.00"), make_product("G-1", "Gadget", "7")
    order = place(customer, buyer, submit=False)
    client.post(
        reverse("portal:order-line-add", args=[order.pk]), {"product": blue.pk, "quantity": "1"}
    )
    client.post(
        reverse("portal:order-line-add", args=[order.pk]), {"product": green.pk, "quantity": "1"}
    )
    lines = {line.description: line for line in order.lines.all()}
    typed = {f"quantity-{line.pk}": "4" for line in lines.values()}

    client.post(
        reverse("portal:order-line-remove", args=[order.pk, lines["Gadget"].pk]),
        {**typed, "customer_reference": "PO-4", "notes": ""},
    )

    order.refresh_from_db()
    assert order.customer_reference == "PO-4"
    assert sorted((line.description, line.quantity) for line in order.lines.all()) == sorted(
        (name, 4) for name in lines if name != "Gadget"
    )


def test_the_last_line_cannot_be_removed(client, customer, buyer):
    order = place(customer, buyer, submit=False)
    response = client.post(
        reverse("portal:order-line-remove", args=[order.pk, order.lines.get().pk]), follow=True
    )
    assert "An order needs at least one line." in html_of(response)
    assert order.lines.count() == 1


def test_bad_quantities_and_products_are_400s_with_a_message(client, customer, buyer):
    blue = make_product()
    old = make_product("W-2", "Old widget", is_active=False)
    foreign_product_id = 999999
    order = place(customer, buyer, submit=False)
    for url in (
        reverse("portal:order-create"),
        reverse("portal:order-line-add", args=[order.pk]),
    ):
        for data, message in (
            ({"product": blue.pk, "quantity": "abc"}, "Enter a number."),
            ({"product": blue.pk, "quantity": "-1"}, "Enter a quantity above zero."),
            ({"product": blue.pk, "quantity": "1e30"}, "Ensure that there are no more"),
            ({"product": old.pk, "quantity": "1"}, "not available any more"),
            ({"product": foreign_product_id, "quantity": "1"}, "not available any more"),
            ({"product": "x", "quantity": "1"}, "not available any more"),
        ):
            response = client.post(url, data)
            assert response.status_code == 400, (url, data)
            assert message in html_of(response), (url, data)
    response = client.post(
        reverse("portal:order-lines", args=[order.pk]),
        {f"quantity-{order.lines.get().pk}": "0"},
    )
    assert response.status_code == 400 and "Enter a quantity above zero." in html_of(response)
    assert Order.objects.count() == 1
    assert order.lines.get().quantity == 2
