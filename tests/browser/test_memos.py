"""In a real browser, both sides acting on a PI memo: staff write and send it; the customer
uploads the signed memo; staff reject it with a reason; the customer sees the reason, uploads
again; staff approve it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import Order
from sales.services.invoicing import approve_signed_pi, issue_pi, send_pi, upload_signed_pi
from sales.services.orders import confirm_order, create_order
from tests.browser.helpers import BILLING, portal_sign_in, sign_in, small_pdf
from tests.factories import PortalContactFactory, StaffFactory
from tests.sales.helpers import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_memo_is_written_sent_signed_rejected_and_approved(page, settings, tmp_path):
    settings.BASE_CURRENCY = "USD"
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    lina = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    contact = PortalContactFactory(
        email="omar@acme.test", customer__advisor=lina, customer__default_currency="USD"
    )
    set_portal_access(contact=contact, by=None, areas=[Area.ORDERS, Area.INVOICES])
    order = create_order(
        customer=contact.customer,
        by=contact.user,
        placed_by=contact.user,
        lines=[{"description": "Machine", "quantity": Decimal("1"), "unit_price": Decimal("99")}],
    )
    order = confirm_order(order=order, by=contact.user, billing=BILLING)
    Order.objects.filter(pk=order.pk).update(owner=lina)
    pi = send_pi(pi=issue_pi(order=order, by=lina), by=lina)
    approve_signed_pi(document=upload_signed_pi(pi=pi, by=contact.user, file=pdf_upload()), by=lina)
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, "lina@lumytic.test")
    page.goto(f"/office/orders/{order.pk}/")
    page.get_by_label("Write a memo").fill("Pay to account 42.\nQuote the memo number.")
    page.get_by_role("button", name="Write memo").click()
    expect(page.locator(".memo-status-draft")).to_be_visible()
    page.locator(".memo-send-form").get_by_role("button", name="Send to customer").click()
    expect(page.locator(".memo-status-sent")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Memo sent")

    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto(f"/portal/orders/{order.pk}/")
    expect(page.locator(".memo .memo-text")).to_contain_text("Pay to account 42.")
    page.get_by_label("Upload the signed memo").set_input_files(small_pdf())
    page.locator(".memo-upload-form").get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".signed-memo .signed-status-pending")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto(f"/office/orders/{order.pk}/")
    page.locator(".signed-memo-reject-form input[name=reason]").fill("Stamp missing")
    page.locator(".signed-memo-reject-form").get_by_role("button", name="Reject").click()
    expect(page.locator(".signed-memo .signed-status-rejected")).to_be_visible()

    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto(f"/portal/orders/{order.pk}/")
    expect(page.locator(".signed-memo")).to_contain_text("Stamp missing")
    page.get_by_label("Upload the signed memo").set_input_files(small_pdf())
    page.locator(".memo-upload-form").get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".signed-memo")).to_have_count(2)

    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto(f"/office/orders/{order.pk}/")
    page.locator(".signed-memo-approve-form").get_by_role("button", name="Approve").click()
    expect(page.locator(".signed-memo .signed-status-approved")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Memo signed")
