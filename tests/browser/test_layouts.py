"""In a real browser, staff and portal users sign in and each sees their own layout."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import submit_sign_in
from tests.factories import PASSWORD, PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sign_in_shows_the_back_office(page):
    StaffFactory(email="lina@lumytic.test", first_name="Lina")
    page.goto("/office/")
    expect(page).to_have_url("/accounts/login/?next=/office/")
    submit_sign_in(page, "lina@lumytic.test")

    expect(page.get_by_role("heading", name="Hello, Lina")).to_be_visible()
    sidebar = page.get_by_role("navigation", name="Back-office")
    for section in [
        "Customers",
        "Quotations",
        "Orders",
        "Proforma invoices",
        "Payments",
        "Cancellations",
        "Currency exchange",
        "Outbox",
    ]:
        expect(sidebar.get_by_role("link", name=section)).to_be_visible()
    # Bootstrap's CSS is served locally: the sidebar is styled dark.
    assert "rgb(33, 37, 41)" in page.locator(".office-sidebar").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )

    sidebar.get_by_role("link", name="Orders").click()
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    expect(page.get_by_text("No orders yet.")).to_be_visible()


def test_portal_sign_in_shows_the_portal(page):
    contact = PortalContactFactory(customer__name="Acme Trading FZE", email="omar@acme.test")
    page.goto("/portal/")
    expect(page).to_have_url("/portal/login/?next=/portal/")
    expect(page.get_by_text("Customer Portal").first).to_be_visible()
    submit_sign_in(page, "omar@acme.test")

    expect(page.get_by_role("heading", name="Acme Trading FZE")).to_be_visible()
    expect(page.get_by_role("navigation", name="Customer portal")).to_be_visible()
    expect(page.get_by_text(contact.customer.number)).to_be_visible()
    # htmx is loaded from the project's own static files.
    assert page.evaluate("typeof window.htmx") == "object"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "portal_home.png", full_page=True)

    # The back-office is closed to a portal user.
    response = page.goto("/office/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access to this page")).to_be_visible()


def test_sign_out_from_the_portal_menu(page):
    PortalContactFactory(email="omar@acme.test")
    page.goto("/portal/login/")
    page.get_by_label("Email").fill("omar@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.locator(".portal-header .dropdown-toggle").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/portal/")
    expect(page).to_have_url("/portal/login/?next=/portal/")
