"""In a real browser: the portal home lists what waits on the customer, and the navigation
shows the same counts as badges."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Area
from sales.models import Order, ProformaInvoice, Quotation, SignedDocument
from tests.browser.helpers import portal_sign_in
from tests.factories import PortalContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_waiting_quotation_and_an_unpaid_pi_show_on_the_home_and_as_badges(page):
    contact = PortalContactFactory(
        email="omar@acme.test", customer__name="Acme Trading", areas=Area.values
    )
    customer, today = contact.customer, timezone.localdate()
    Quotation.objects.create(
        number="QUO-2026-0007", customer=customer, status=Quotation.Status.SENT,
        valid_until=today + timedelta(days=10), currency="USD", total=Decimal("1250"),
    )  # fmt: skip
    order = Order.objects.create(
        number="ORD-2026-0042", customer=customer, placed_by=contact.user,
        status=Order.Status.PI_APPROVED, currency="USD", total=Decimal("800"),
    )  # fmt: skip
    pi = ProformaInvoice.objects.create(
        number="PI-2026-0042", order=order, status=ProformaInvoice.Status.SENT,
        issue_date=today - timedelta(days=20), due_date=today - timedelta(days=2),
        customer_name=customer.name, seller_name="Lumytic", currency="USD", total=Decimal("800"),
    )  # fmt: skip
    SignedDocument.objects.create(
        pi=pi, version=1, file="x.pdf", size=1, sha256="0" * 64,
        status=SignedDocument.Status.APPROVED,
    )  # fmt: skip

    portal_sign_in(page, "omar@acme.test")

    quotations = page.locator('.portal-area[data-area="quotations"]')
    expect(quotations).to_contain_text("1 quotation awaits your answer")
    expect(quotations.get_by_role("link", name="QUO-2026-0007")).to_be_visible()
    invoices = page.locator('.portal-area[data-area="invoices"]')
    expect(invoices).to_contain_text("1 proforma invoice to pay")
    expect(invoices.locator(".todo-item")).to_contain_text("$800.00")
    expect(invoices.locator(".todo-item")).to_contain_text("Overdue")
    expect(page.locator('.portal-area[data-area="orders"]')).to_contain_text(
        "Nothing is waiting for you here."
    )

    nav = page.get_by_role("navigation", name="Customer portal")
    expect(nav.locator('[data-area="quotations"] .nav-waiting')).to_contain_text("1")
    expect(nav.locator('[data-area="invoices"] .nav-waiting')).to_contain_text("1")
    expect(nav.locator(".nav-waiting")).to_have_count(2)

    # The item links to its page, and the badges stay on every portal page.
    invoices.get_by_role("link", name="PI-2026-0042").click()
    expect(page.get_by_role("heading", name="Proforma invoice PI-2026-0042")).to_be_visible()
    expect(nav.locator('[data-area="quotations"] .nav-waiting')).to_contain_text("1")
