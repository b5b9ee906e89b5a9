"""In a real browser: staff write a quotation with the product picker and send it; the customer
accepts it in the portal and the order appears in the back-office."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from sales.models import Currency, Order, Product, Quotation
from sales.services.currency import ensure_currencies
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import sign_in, submit_sign_in
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_quote_with_the_picker_and_the_customer_accepts_in_the_portal(
    page, browser, live_server
):
    StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")
    customer = CustomerFactory(
        name="Acme Trading FZE",
        default_currency="USD",
        billing_first_name="Omar",
        billing_street="1 Harbour Road",
        billing_city="Dubai",
        billing_country="AE",
        shipping_same_as_billing=True,
    )
    PortalContactFactory(
        customer=customer, first_name="Omar", last_name="Khalil", email="omar@acme.test"
    )
    Product.objects.create(
        sku="LMP-100", name="Desk lamp", unit_price=Decimal("40"), currency="USD", tax_rate=5
    )
    Product.objects.create(
        sku="CBL-010", name="Power cable", unit_price=Decimal("4.50"), currency="USD", tax_rate=5
    )
    Product.objects.create(
        sku="LMP-OLD", name="Old lamp", unit_price=Decimal("1"), currency="USD", is_active=False
    )
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "lina@lumytic.test")

    # From the customer page's Quotations tab to the editor.
    page.goto(customer.get_absolute_url())
    page.get_by_role("tab", name="Quotations").click()
    expect(page.get_by_text("No quotations for this customer yet.")).to_be_visible()
    page.get_by_role("link", name="New quotation").click()
    expect(page.get_by_role("heading", name="New quotation")).to_be_visible()
    page.wait_for_load_state()  # the picker answers once htmx has bound it

    # Line 1: search with the mouse.
    rows = page.locator("#line-rows tr.line-row")
    rows.nth(0).get_by_role("combobox", name="Product").fill("lamp")
    choices = rows.nth(0).locator(".product-choice")
    expect(choices).to_have_count(1)  # the inactive lamp is not offered
    choices.first.click()
    expect(rows.nth(0).get_by_label("Description")).to_have_value("Desk lamp")
    expect(rows.nth(0).get_by_label("Unit price")).to_have_value("40.00")
    expect(rows.nth(0).get_by_label("Tax %")).to_have_value("5")
    expect(rows.nth(0).get_by_label("Quantity")).to_be_focused()
    page.keyboard.type("3")

    # Line 2: add a row and choose with the keyboard only.
    page.get_by_role("button", name="Add line").click()
    expect(rows).to_have_count(2)
    search = rows.nth(1).get_by_role("combobox", name="Product")
    expect(search).to_be_focused()
    page.keyboard.type("cable")
    expect(rows.nth(1).locator(".product-choice")).to_have_count(1)
    # A slow machine may send one search per key: let the last answer land before choosing.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.keyboard.press("ArrowDown")
    expect(rows.nth(1).locator(".product-choice").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(rows.nth(1).get_by_label("Description")).to_have_value("Power cable")
    expect(rows.nth(1).get_by_label("Quantity")).to_be_focused()
    page.keyboard.type("10")

    # A third row, added then removed.
    page.get_by_role("button", name="Add line").click()
    expect(rows).to_have_count(3)
    rows.nth(2).get_by_role("button", name="Remove line").click()
    expect(rows).to_have_count(2)

    # The server's live preview: 3 x 40 + 5% = 126.00; 10 x 4.50 + 5% = 47.25.
    expect(page.locator("#quotation-totals [data-total=total]")).to_have_text("$173.25")
    page.screenshot(path=ARTIFACTS / "quotation-editor.png", full_page=True)
    page.get_by_role("button", name="Create quotation").click()

    quotation = Quotation.objects.get()
    expect(page.get_by_text(f"Quotation {quotation.number} is created.")).to_be_visible()
    expect(page.locator(".quotation-lines")).to_contain_text("Desk lamp")
    expect(page.locator(".quotation-lines")).to_contain_text("Power cable")
    expect(page.locator("#quotation-totals [data-total=total]")).to_have_text("$173.25")
    page.get_by_role("button", name="Send to customer").click()
    expect(page.get_by_text(f"Quotation {quotation.number} is sent.")).to_be_visible()
    expect(page.locator(".quotation-timeline")).to_contain_text("quotation sent")

    # The customer opens it in the portal and accepts it.
    portal = browser.new_context(base_url=live_server.url, locale="en-GB")
    customer_page = portal.new_page()
    customer_page.set_default_timeout(15_000)
    customer_page.on("dialog", lambda dialog: dialog.accept())
    customer_page.goto("/portal/login/")
    submit_sign_in(customer_page, "omar@acme.test")
    # The sent quotation waits for an answer: the navigation says so.
    quotations = customer_page.get_by_role("navigation", name="Customer portal").get_by_role(
        "link", name="Quotations 1 waiting for you"
    )
    expect(quotations).to_be_visible()
    quotations.click()
    customer_page.get_by_role("link", name=quotation.number).click()
    expect(customer_page.locator(".quotation-lines")).to_contain_text("Desk lamp")
    expect(customer_page.locator("#quotation-totals [data-total=total]")).to_have_text("$173.25")
    customer_page.get_by_role("link", name="Accept and order").click()
    # One step: the billing details come prefilled from the company; accepting confirms.
    expect(customer_page.get_by_label("City").first).to_have_value("Dubai")
    customer_page.get_by_role("button", name="Accept and confirm the order").click()
    order = Order.objects.get()
    expect(customer_page.get_by_text(f"your order {order.number} is confirmed")).to_be_visible()
    expect(customer_page.locator(".order-next-action")).to_have_text(
        "Our sales team is preparing your proforma invoice (PI)."
    )
    customer_page.screenshot(path=ARTIFACTS / "quotation-accepted-portal.png", full_page=True)
    portal.close()

    # Staff see the order.
    page.reload()
    expect(page.locator(".quotation-status")).to_have_text("Accepted")
    page.get_by_role("link", name=order.number).click()
    expect(page).to_have_url(f"{live_server.url}/office/orders/{order.pk}/")
    page.goto("/office/orders/")
    expect(page.get_by_text(order.number).first).to_be_visible()
    assert order.source_quotation_id == quotation.pk and order.total == Decimal("173.25")


def test_a_line_missing_its_rate_is_priced_once_staff_enter_todays_rate(page, live_server):
    StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")
    ensure_currencies()
    Currency.objects.filter(code="KWD").update(is_active=True)  # active, with no rate yet
    customer = CustomerFactory(name="Gulf Supplies", default_currency="KWD")
    Product.objects.create(
        sku="LMP-100", name="Desk lamp", unit_price=Decimal("40"), currency="USD", tax_rate=0
    )
    sign_in(page, "lina@lumytic.test")
    page.goto(f"/office/quotations/new/?customer={customer.pk}")
    row = page.locator("#line-rows tr.line-row").first
    row.get_by_role("combobox", name="Product").fill("lamp")
    row.locator(".product-choice").first.click()

    # Not a dead end: the row says which rate is missing and takes it right there.
    expect(row.locator(".row-error")).to_contain_text("There is no exchange rate for KWD")
    row.get_by_label("Enter today's KWD rate").fill("0.3075")
    row.get_by_role("button", name="Save rate and price").click()
    expect(row.get_by_label("Unit price")).to_have_value("12.300")
    expect(row.locator(".missing-rate")).to_have_count(0)
