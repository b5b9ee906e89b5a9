"""In a real browser: a portal user builds an order from the catalogue, submits it, changes a
quantity and confirms it; staff then see every step on the order's timeline."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.models import Area
from sales.models import Order, Product
from tests.browser.helpers import portal_sign_in, sign_in
from tests.factories import PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_builds_submits_changes_and_confirms_an_order(page, settings):
    settings.BASE_CURRENCY = "USD"
    advisor = StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")
    PortalContactFactory(
        email="omar@acme.test",
        first_name="Omar",
        customer__acme=True,
        customer__advisor=advisor,
        areas=[Area.ORDERS],
    )
    for sku, name, price in [("W-1", "Blue widget", "10.00"), ("G-1", "Green gadget", "7.00")]:
        Product.objects.create(sku=sku, name=name, unit_price=Decimal(price), currency="USD")
    Product.objects.create(
        sku="X-1", name="Old lamp", unit_price=1, currency="USD", is_active=False
    )

    portal_sign_in(page, "omar@acme.test")
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_role("link", name="New order").click()
    expect(page.get_by_role("heading", name="New order", exact=True)).to_be_visible()
    expect(page.get_by_text("Old lamp")).to_have_count(0)

    # Search the catalogue (htmx swaps the results in), then add two products. Typing
    # before htmx has bound the field would send no request, so wait for the page's scripts.
    page.wait_for_load_state()
    page.get_by_label("Product name or SKU").fill("widget")
    expect(page.locator(".catalogue-product")).to_have_count(1)
    page.get_by_label("Quantity of Blue widget").fill("2")
    page.get_by_role("button", name="Add Blue widget").click()
    expect(page.get_by_text("Blue widget is in your order.")).to_be_visible()
    # Typed in the cart but not saved: adding another product keeps it.
    page.locator(".cart-form").get_by_label("Your reference").fill("PO-76")
    page.get_by_label("Quantity of Green gadget").fill("1")
    page.get_by_role("button", name="Add Green gadget").click()
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator(".cart-form").get_by_label("Your reference")).to_have_value("PO-76")
    expect(page.locator(".cart-total")).to_have_text("$27.00")

    # Change a quantity, the reference and the notes and submit straight away, without
    # saving first: Submit saves what was typed.
    cart = page.locator(".cart-form")
    cart.get_by_label("Quantity of Blue widget").fill("3")
    cart.get_by_label("Your reference").fill("PO-77")
    cart.get_by_label("Notes for our sales team").fill("Leave at the gate")
    page.get_by_role("button", name="Submit order").click()
    order = Order.objects.get()
    expect(page.get_by_text(f"Order {order.number} is sent to our sales team")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Submitted")
    order.refresh_from_db()
    assert (order.customer_reference, order.notes) == ("PO-77", "Leave at the gate")
    assert order.total == Decimal("37.00")
    expect(page.locator(".order-total")).to_have_text("$37.00")
    expect(page.locator(".order-next-action")).to_have_text(
        "Confirm the order with your billing and shipping details."
    )

    # Change a quantity before confirming.
    page.get_by_role("link", name="Change order").click()
    page.locator(".cart-form").get_by_label("Quantity of Green gadget").fill("3")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes to the order are saved.")).to_be_visible()
    expect(page.locator(".order-total")).to_have_text("$51.00")

    # Confirm with the company's billing details; shipping is the same.
    page.get_by_role("link", name="Confirm order").click()
    page.wait_for_load_state()  # cart.js toggles the shipping fields once it has run
    expect(page.get_by_label("Street").first).to_have_value("Sheikh Zayed Rd 1")
    same = page.get_by_label("Shipping details same as billing details")
    expect(same).to_be_checked()
    expect(page.locator("#shipping-fields")).to_be_hidden()
    same.uncheck()
    expect(page.locator("#shipping-fields")).to_be_visible()
    same.check()
    page.get_by_role("button", name="Confirm order").click()
    expect(page.get_by_text(f"Thank you! Order {order.number} is confirmed.")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Confirmed")
    expect(page.locator(".order-addresses")).to_contain_text("Sheikh Zayed Rd 1")
    expect(page.locator(".order-next-action")).to_have_text(
        "Our sales team is preparing your proforma invoice (PI)."
    )

    # Staff see each step on the order's timeline, newest first.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.get_by_role("link", name="Orders").first.click()
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=re.compile(f"Order {order.number}"))).to_be_visible()
    timeline = page.locator(".order-timeline .activity-entry")
    # Adding a product is an update, and so is the save that Submit makes first.
    steps = ["confirmed", "updated", "submitted", "updated", "updated", "created"]
    expect(timeline).to_have_count(len(steps))
    for index, verb in enumerate(f"order {step}" for step in steps):
        expect(timeline.nth(index)).to_contain_text(verb)
        expect(timeline.nth(index)).to_contain_text("Omar")
    expect(page.locator(".order-total")).to_have_text("$51.00")
    expect(page.locator(".order-addresses")).to_contain_text("Sheikh Zayed Rd 1")
    # The same step as the customer's page, in the staff's words.
    expect(page.locator(".order-step[aria-current=step]")).to_contain_text("Confirmed")
    expect(page.locator(".order-next-action")).to_have_text(
        "Issue the proforma invoice and send it to the customer."
    )
