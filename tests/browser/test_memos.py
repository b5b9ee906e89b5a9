"""In a real browser, both sides acting on a PI memo: staff write and send it; the customer
uploads the signed memo; staff reject it with a reason; the customer sees the reason, uploads
again; staff approve it."""

import pytest
from playwright.sync_api import expect

from portal.models import Area
from tests.browser.helpers import approved_pi_order, portal_sign_in, sign_in, small_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_on_disk"),
]


def test_a_memo_is_written_sent_signed_rejected_and_approved(page, settings):
    settings.BASE_CURRENCY = "USD"
    _lina, _contact, order, _pi = approved_pi_order([Area.ORDERS, Area.INVOICES])
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
