"""In a real browser, under the site's Content-Security-Policy, the main office and portal pages
load with no policy violation and no console message, and their scripts still work."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Area
from sales.models import (
    Currency,
    ExchangeRate,
    Order,
    OrderLine,
    Product,
    Quotation,
    RateUpdate,
)
from sales.services.currency import ensure_currencies
from tests.browser.helpers import portal_sign_in, sign_in
from tests.factories import PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports every blocked load or inline script to Python, whichever page the tab is on.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} on ${document.location.pathname}`
  );
});
"""


class Watch:
    """Everything the browser complained about while the test drove it."""

    def __init__(self, page):
        self.violations: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        page.expose_function("reportViolation", lambda text: self.violations.append(text))
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{error} ({page.url})"))

    def _console(self, message) -> None:
        if message.type == "verbose":
            return  # Chromium's markup hints ("[DOM] Input elements should have autocomplete")
        self.console.append(f"{message.type}: {message.text} {message.location['url']}")

    def assert_quiet(self, *, except_from: str = "") -> None:
        assert self.violations == []
        assert [line for line in self.console if not except_from or except_from not in line] == []
        assert self.errors == []


@pytest.fixture
def watch(page):
    return Watch(page)


@pytest.fixture
def shop(settings):
    """A customer with a portal user, a product, a sent quotation and a submitted order."""
    settings.BASE_CURRENCY = "USD"
    staff = StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")
    contact = PortalContactFactory(
        email="omar@acme.test",
        first_name="Omar",
        customer__acme=True,
        customer__advisor=staff,
        areas=Area.values,
    )
    customer, today = contact.customer, timezone.localdate()
    lamp = Product.objects.create(
        sku="LMP-100", name="Desk lamp", unit_price=Decimal("40"), currency="USD", tax_rate=5
    )
    Quotation.objects.create(
        number="QUO-2026-0007", customer=customer, status=Quotation.Status.SENT,
        valid_until=today + timedelta(days=10), currency="USD", total=Decimal("120"),
    )  # fmt: skip
    Quotation.objects.create(
        number="QUO-2026-0003", customer=customer, status=Quotation.Status.DECLINED,
        valid_until=today - timedelta(days=3), currency="USD", total=Decimal("80"),
    )  # fmt: skip
    order = Order.objects.create(
        number="ORD-2026-0042", customer=customer, placed_by=contact.user,
        status=Order.Status.SUBMITTED, currency="USD", total=Decimal("80"),
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=lamp, description="Desk lamp", quantity=2, unit_price=Decimal("40")
    )
    ensure_currencies()
    Currency.objects.filter(code="EUR").update(is_active=True)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency_id="EUR", date=today - timedelta(days=day), rate=Decimal("0.9"), source="ecb"
        )
        for day in range(10)
    )
    RateUpdate.objects.create(provider="ecb", status="ok", rates_date=today, rate_count=1)
    return {"customer": customer, "order": order}


def test_the_office_pages_run_under_the_policy(page, watch, shop):
    customer, order = shop["customer"], shop["order"]
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "lina@lumytic.test")

    # The harness hears a violation: an injected inline script is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    for _ in range(50):  # the report arrives through the exposed function
        if watch.violations:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.ran") is None
    assert len(watch.violations) == 1 and "script-src" in watch.violations[0]
    watch.violations.clear()
    watch.console.clear()  # Chromium also logs the refusal

    # Customers list: search applies.
    page.get_by_role("link", name="Customers").first.click()
    filters = page.get_by_role("search", name="Find customers")
    filters.get_by_label("Search").fill("acme")
    filters.get_by_role("button", name="Apply").click()
    expect(
        page.locator("table.customer-table").get_by_role("link", name="Acme Trading")
    ).to_be_visible()

    # Customer page: a tab loads through htmx.
    page.goto(customer.get_absolute_url())
    page.get_by_role("tab", name="Quotations").click()
    expect(page.get_by_role("link", name="QUO-2026-0007")).to_be_visible()

    # Customer form (static/js/customer_form.js): Next walks the tabs, Copy billing copies.
    page.get_by_role("link", name="Edit").first.click()
    # The buttons are in the HTML before the script binds them: wait for the page to load.
    page.wait_for_url("**/edit/")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Default currency")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    page.locator("[name=billing_city]").fill("Abu Dhabi")
    page.get_by_role("button", name="Copy billing").click()
    expect(page.locator("[name=shipping_city]")).to_have_value("Abu Dhabi")

    # Order page.
    page.goto(order.get_absolute_url())
    expect(page.get_by_role("heading", name="Order ORD-2026-0042")).to_be_visible()
    expect(page.get_by_text("Desk lamp").first).to_be_visible()

    # Quotation editor: the product picker searches (htmx) and fills the line.
    page.goto(customer.get_absolute_url())
    page.get_by_role("tab", name="Quotations").click()
    page.get_by_role("link", name="New quotation").click()
    expect(page.get_by_role("heading", name="New quotation")).to_be_visible()
    page.wait_for_load_state()  # the picker answers once htmx has bound it
    row = page.locator("#line-rows tr.line-row").first
    row.get_by_role("combobox", name="Product").fill("lamp")
    row.locator(".product-choice").first.click()
    expect(row.get_by_label("Description")).to_have_value("Desk lamp")
    expect(row.get_by_label("Unit price")).to_have_value("40.00")

    # Currency exchange: Chart.js draws the history.
    page.get_by_role("navigation", name="Back-office").get_by_role(
        "link", name="Currency exchange"
    ).click()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('rate-history-chart'))"
    )

    # Outbox: a test email, previewed in its sandboxed frame.
    page.goto("/office/outbox/")
    page.get_by_role("button", name="Send a test email").click()
    expect(page.locator("iframe.email-preview")).to_be_visible()
    expect(page.frame_locator("iframe.email-preview").locator("body")).to_contain_text("LUMYTIC")

    watch.assert_quiet()


def test_the_portal_pages_run_under_the_policy(page, watch, shop):
    portal_sign_in(page, "omar@acme.test")

    # Home: the to-do list.
    quotations = page.locator('.portal-area[data-area="quotations"]')
    expect(quotations).to_contain_text("1 quotation awaits your answer")

    # Quotations: the status filter applies as soon as it changes (data-autosubmit).
    page.get_by_role("navigation", name="Customer portal").get_by_role(
        "link", name="Quotations"
    ).click()
    expect(page.get_by_text("QUO-2026-0003")).to_be_visible()
    page.get_by_label("Status").select_option(Quotation.Status.SENT)
    expect(page).to_have_url(f"/portal/quotations/?status={Quotation.Status.SENT}")
    expect(page.get_by_text("QUO-2026-0007")).to_be_visible()
    expect(page.get_by_text("QUO-2026-0003")).to_have_count(0)

    # An order.
    page.goto(f"/portal/orders/{shop['order'].pk}/")
    expect(page.get_by_text("ORD-2026-0042").first).to_be_visible()
    expect(page.get_by_text("Desk lamp").first).to_be_visible()

    # Signup (static/js/addresses.js): shipping follows billing until the box is unchecked.
    page.context.clear_cookies()
    page.goto("/portal/signup/")
    shipping_city = page.locator("[name=shipping_city]")
    expect(shipping_city).to_be_hidden()
    page.get_by_label("Shipping details same as billing details").uncheck()
    expect(shipping_city).to_be_visible()
    expect(shipping_city).to_be_enabled()

    watch.assert_quiet()


def test_the_admin_runs_under_the_policy(page, watch, shop):
    StaffFactory(email="root@lumytic.test", is_staff=True, is_superuser=True)
    sign_in(page, "root@lumytic.test")

    page.goto("/admin/")
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()
    page.goto(f"/admin/customers/customer/{shop['customer'].pk}/change/")
    expect(page.locator("input[name=name]")).to_have_value("Acme Trading")
    page.goto("/admin/accounts/user/")
    page.locator("#action-toggle").check()  # the changelist's own script selects every row
    expect(page.locator("input.action-select").first).to_be_checked()

    # Django's admin pages name no icon, so Chromium asks for /favicon.ico, which is a 404.
    watch.assert_quiet(except_from="/favicon.ico")
