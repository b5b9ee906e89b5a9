"""In a real browser, staff create a customer through the four tabs and find it again."""

import pytest
from playwright.sync_api import expect

from customers.models import Customer, CustomerGroup
from tests.browser.helpers import sign_in
from tests.factories import CustomerFactory, CustomerGroupFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_customer_through_the_four_tabs_then_find_it(page):
    StaffFactory(email="lina@lumytic.test", first_name="Lina")
    CustomerGroup.default()
    CustomerGroupFactory(name="Distributors")
    CustomerFactory(name="Someone Else Trading", country="EG")
    sign_in(page, "lina@lumytic.test")

    page.get_by_role("link", name="Customers").first.click()
    page.get_by_role("link", name="Add customer").click()

    # General
    general = page.locator("#pane-general")
    general.get_by_label("Company name").fill("Falcon Logistics FZE")
    general.get_by_label("Email").fill("ops@falcon.test")
    general.get_by_label("Website").fill("falcon.test")
    general.get_by_label("Country").select_option("AE")
    general.get_by_label("Group").select_option(label="Distributors")
    general.get_by_label("Tags").fill("gulf, priority")
    page.get_by_role("button", name="Next").click()
    # Finance
    expect(page.get_by_label("Default currency")).to_be_visible()
    page.get_by_label("Default currency").select_option("AED")
    page.get_by_label("Tax rate %").fill("5")
    page.get_by_role("button", name="Next").click()
    # Address: copy billing into shipping with the button
    page.locator("[name=billing_city]").fill("Dubai")
    page.locator("[name=billing_street]").fill("Sheikh Zayed Road 1")
    page.get_by_role("button", name="Copy billing").click()
    expect(page.locator("[name=shipping_city]")).to_have_value("Dubai")
    page.get_by_role("button", name="Next").click()
    # Contact: leave it empty first, to see the error land on its tab
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Please correct the errors below.")).to_be_visible()
    expect(page.get_by_role("tab", name="4. Contact 1")).to_have_attribute("aria-selected", "true")
    page.locator("[name='contact-first_name']").fill("Karim")
    page.locator("[name='contact-email']").fill("karim@falcon.test")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Falcon Logistics FZE")).to_be_visible()
    customer = Customer.objects.get(name="Falcon Logistics FZE")
    assert customer.shipping_city == "Dubai" and customer.default_currency == "AED"
    assert customer.contacts.get().first_name == "Karim"

    # Search, then filter.
    page.get_by_role("link", name="Customers").first.click()
    filters = page.get_by_role("search", name="Find customers")
    filters.get_by_label("Search").fill("karim")
    filters.get_by_role("button", name="Apply").click()
    table = page.locator("table.customer-table")
    expect(table.get_by_role("link", name="Falcon Logistics FZE")).to_be_visible()
    expect(table.get_by_text("Someone Else Trading")).to_have_count(0)

    filters.get_by_label("Search").fill("")
    filters.get_by_label("Country").select_option("EG")
    filters.get_by_role("button", name="Apply").click()
    expect(table.get_by_text("Someone Else Trading")).to_be_visible()
    expect(table.get_by_text("Falcon Logistics FZE")).to_have_count(0)


def test_the_group_dialog_adds_a_group_without_leaving_the_list(page):
    StaffFactory(email="lina@lumytic.test")
    sign_in(page, "lina@lumytic.test")
    page.goto("/office/customers/")
    page.get_by_role("button", name="Customer groups").click()
    dialog = page.get_by_role("dialog", name="Customer groups")
    dialog.get_by_label("Name", exact=True).fill("Wholesale")
    dialog.get_by_role("button", name="Add group").click()
    expect(dialog.get_by_text("Group “Wholesale” is added.")).to_be_visible()
    expect(page).to_have_url("/office/customers/")
    assert CustomerGroup.objects.filter(name="Wholesale").exists()
