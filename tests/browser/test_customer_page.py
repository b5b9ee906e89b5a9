"""In a real browser, staff move between the customer page's tabs and use notes and reminders."""

import pytest
from playwright.sync_api import expect

from customers.models import Note, Reminder
from tests.browser.helpers import sign_in
from tests.factories import ContactFactory, CustomerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tabs_switch_in_place_and_notes_and_reminders_are_saved(page):
    StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Haddad")
    customer = CustomerFactory(name="Falcon Logistics FZE")
    ContactFactory(customer=customer, first_name="Omar", last_name="Saleh")
    sign_in(page, "lina@lumytic.test")

    page.goto(customer.get_absolute_url())
    expect(page.get_by_role("heading", name="Falcon Logistics FZE")).to_be_visible()
    expect(page.get_by_role("tab", name="Summary")).to_have_attribute("aria-selected", "true")

    # htmx swaps the tab in place and the address bar follows.
    page.get_by_role("tab", name="Contacts").click()
    expect(page.get_by_role("tab", name="Contacts")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".contact-table")).to_contain_text("Omar Saleh")
    expect(page).to_have_url(
        f"{page.url.split('/office/')[0]}/office/customers/{customer.pk}/contacts/"
    )

    page.get_by_role("tab", name="Summary").click()
    expect(page.locator(".summary-totals")).to_be_visible()
    page.screenshot(path="test-artifacts/customer-summary.png", full_page=True)

    page.get_by_role("tab", name="Orders").click()
    expect(page.get_by_text("No orders from this customer yet.")).to_be_visible()

    page.get_by_role("tab", name="Notes").click()
    page.get_by_label("Note").fill("Prefers calls after 2 pm")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".note-list")).to_contain_text("Prefers calls after 2 pm")
    assert Note.objects.get().text == "Prefers calls after 2 pm"

    page.get_by_role("tab", name="Reminders").click()
    page.get_by_label("Reminder").fill("Ask about the Q3 order")
    page.get_by_role("button", name="Set reminder").click()
    expect(page.locator(".reminder-table")).to_contain_text("Ask about the Q3 order")
    assert Reminder.objects.get().staff.email == "lina@lumytic.test"

    page.go_back()
    page.get_by_role("tab", name="Activity").click()
    expect(page.locator(".activity-list")).to_contain_text("reminder added")
    expect(page.locator(".activity-list")).to_contain_text("note added")
