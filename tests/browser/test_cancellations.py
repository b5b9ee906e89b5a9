"""In a real browser, both sides acting on a cancellation: the customer asks to cancel a paid
order; staff confirm it; the customer uploads the signed copy; staff reject it with a reason;
the customer uploads again; staff approve and apply it; both see the order cancelled and the
payment turned into credit."""

import pytest
from playwright.sync_api import expect

from portal.models import Area
from sales.services.payments import confirm_payment
from tests.browser.helpers import approved_pi_order, portal_sign_in, sign_in, small_pdf
from tests.sales.helpers import pay

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_on_disk"),
]


def test_a_paid_order_is_cancelled_with_both_sides_acting(page, settings):
    settings.BASE_CURRENCY = "USD"
    lina, contact, order, pi = approved_pi_order([Area.ORDERS, Area.CANCELLATIONS])
    payment = pay(pi, contact.user, "99", bank_reference="FT1")
    confirm_payment(payment=payment, by=lina)
    page.on("dialog", lambda dialog: dialog.accept())

    # The customer asks to cancel the paid order.
    portal_sign_in(page, "omar@acme.test")
    page.goto(f"/portal/orders/{order.pk}/")
    expect(page.locator(".order-status")).to_have_text("Paid")
    page.get_by_role("link", name="Request cancellation").click()
    page.get_by_label("Why do you want to cancel this order?").fill("Our client withdrew.")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".cancellation-step")).to_contain_text("reviewing your request")

    # Staff see it waiting in the sidebar, and confirm it.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto("/office/cancellations/?awaiting=1")
    expect(page.locator(".needs-action[data-key='cancellation-list']")).to_contain_text("1")
    page.locator(".cancellation-table a.font-monospace").first.click()
    expect(page.locator(".cancellation-reason")).to_contain_text("Our client withdrew.")
    page.get_by_role("button", name="Confirm and send for signing").click()
    expect(page.locator(".cancellation-status")).to_have_text("Awaiting signature")
    number = page.locator("h1").inner_text().split()[2]
    assert number.startswith("CXL-")

    # The customer downloads nothing here (the PDF came by email) but uploads the signed copy.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto("/portal/cancellations/")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    page.get_by_label("Upload the signed cancellation order").set_input_files(small_pdf())
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".signed-document .signed-status-pending")).to_be_visible()

    # Staff reject the copy with a reason.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto("/office/cancellations/")
    page.get_by_role("link", name=number).click()
    page.locator(".signed-cancellation-reject-form input[name=reason]").fill("Signature missing")
    page.locator(".signed-cancellation-reject-form").get_by_role("button", name="Reject").click()
    expect(page.locator(".signed-status-rejected")).to_be_visible()

    # The customer reads the reason and uploads again.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto("/portal/cancellations/")
    page.get_by_role("link", name=number).click()
    expect(page.locator(".signed-document")).to_contain_text("Signature missing")
    page.get_by_label("Upload the signed cancellation order").set_input_files(small_pdf())
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".signed-document")).to_have_count(2)

    # Staff approve it and apply the cancellation.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto("/office/cancellations/")
    page.get_by_role("link", name=number).click()
    page.locator(".signed-cancellation-approve-form").get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Apply the cancellation").click()
    expect(page.locator(".cancellation-status")).to_have_text("Completed")
    expect(page.locator(".cancellation-credited")).to_contain_text("99.00")
    expect(page.locator(".order-status")).to_have_text("Cancelled")

    # The customer sees the outcome and the credit.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto("/portal/cancellations/")
    page.get_by_role("link", name=number).click()
    expect(page.locator(".cancellation-credited")).to_contain_text("99.00")
    page.goto(f"/portal/orders/{order.pk}/")
    expect(page.locator(".order-status")).to_have_text("Cancelled")
