"""In a real browser, both sides acting: from a confirmed order to a paid one. Staff issue and
send the PI; the customer uploads the signed PI; staff approve it from the PI list; the customer
uploads a SWIFT proof for the total; staff confirm it from the payment list. The order is Paid on
both sides and the customer's statement closes at zero."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.models import Area
from sales.models import Order
from sales.services.orders import confirm_order, create_order
from tests.browser.helpers import BILLING, link_from, portal_sign_in, sign_in, small_pdf
from tests.factories import PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_confirmed_order_to_a_paid_one_on_both_sides(page, settings, tmp_path):
    settings.BASE_CURRENCY = "USD"
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    lina = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    contact = PortalContactFactory(
        email="omar@acme.test",
        first_name="Omar",
        customer__name="Acme Trading",
        customer__advisor=lina,
        customer__default_currency="USD",
        areas=[Area.ORDERS, Area.INVOICES, Area.STATEMENTS],
    )
    order = create_order(
        customer=contact.customer,
        by=contact.user,
        placed_by=contact.user,
        lines=[
            {"description": "Machine", "quantity": Decimal("2"), "unit_price": Decimal("620.50")}
        ],
    )
    order = confirm_order(order=order, by=contact.user, billing=BILLING)
    Order.objects.filter(pk=order.pk).update(owner=lina)
    page.on("dialog", lambda dialog: dialog.accept())

    # Staff issue the PI and send it.
    sign_in(page, "lina@lumytic.test")
    page.goto(f"/office/orders/{order.pk}/")
    page.get_by_role("button", name="Issue proforma invoice").click()
    pi = order.proforma_invoices.get()
    expect(page.locator(".pi-number")).to_have_text(pi.number)
    page.get_by_role("button", name="Send to customer").click()
    expect(page.locator("#proforma-invoice .pi-state")).to_have_text("Unpaid")
    next_step = page.locator(".order-next-action")  # the status bar, on both sides
    expect(next_step).to_have_text(
        "Waiting for the customer to upload the signed proforma invoice."
    )

    # The customer follows the email's link and uploads the signed PI.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto(link_from("pi_sent", "/portal/"))
    expect(next_step).to_have_text(
        "Download the proforma invoice, sign it and upload the signed copy."
    )
    page.get_by_label("Upload the signed proforma invoice").set_input_files(small_pdf())
    page.locator(".pi-upload-form").get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".signed-status-pending").first).to_be_visible()
    expect(next_step).to_have_text("Our sales team is checking your signed proforma invoice.")

    # Staff find it in the PI list, awaiting review, and approve it.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    sidebar = page.get_by_role("navigation", name="Back-office")
    expect(sidebar.locator('.needs-action[data-key="pi-list"]')).to_contain_text("1")
    sidebar.get_by_role("link", name=re.compile("Proforma invoices")).click()
    page.get_by_label("Signed copy awaits review").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".pi-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name=pi.number).click()
    page.locator(".signed-approve-form").get_by_role("button", name="Approve").click()
    expect(page.locator(".signed-status-approved").first).to_be_visible()
    expect(next_step).to_have_text(
        "Waiting for the customer's payment proof; send a memo if the PI needs amending."
    )

    # The customer pays the total and uploads the SWIFT proof.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto(f"/portal/orders/{order.pk}/")
    page.get_by_label("Amount (USD)").fill(str(pi.total))
    expect(next_step).to_have_text("Transfer the amount due and upload the payment proof (SWIFT).")
    page.get_by_label("Payment date").fill(pi.issue_date.isoformat())
    page.get_by_label("Bank reference").fill("FT26-ACME-1")
    page.get_by_label("SWIFT proof").set_input_files({**small_pdf(), "name": "swift.pdf"})
    page.get_by_role("button", name="Upload payment proof").click()
    expect(page.locator(".order-status")).to_have_text("Payment uploaded")
    expect(next_step).to_have_text("Our sales team is checking your payment proof.")

    # Staff confirm it from the payment list.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto("/office/payments/?awaiting=1")
    expect(page.locator(".payment-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name=pi.number).click()
    page.locator(".payment-confirm-form").get_by_role("button", name="Confirm").click()
    expect(page.locator(".order-status")).to_have_text("Paid")
    expect(page.locator("#proforma-invoice .pi-state")).to_have_text("Paid")
    expect(next_step).to_have_text("Paid in full; nothing is left to do.")

    # The customer sees it paid, and a statement at zero.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto(f"/portal/orders/{order.pk}/")
    expect(page.locator(".order-status")).to_have_text("Paid")
    expect(next_step).to_have_text("Paid in full. Thank you!")
    page.goto("/portal/")
    expect(page.locator(".balance-settled")).to_be_visible()
    page.get_by_role("link", name="Statement", exact=True).click()
    expect(page.locator(".statement-row")).to_have_count(2)
    expect(page.locator(".statement-closing-balance")).to_have_text("$0.00")
