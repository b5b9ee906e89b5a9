"""Plain helpers shared by the browser tests: signing in on both sides, a real PDF to upload,
a link from the last email, an order whose signed PI staff approved."""

import io
import re
from decimal import Decimal

from playwright.sync_api import expect
from pypdf import PdfWriter

from notifications.models import OutboundEmail
from sales.models import Order
from sales.services.invoicing import approve_signed_pi, issue_pi, send_pi, upload_signed_pi
from sales.services.orders import confirm_order, create_order
from tests.factories import PASSWORD, PortalContactFactory, StaffFactory
from tests.sales.helpers import pdf_upload

BILLING = {"first_name": "Omar", "last_name": "Khalil", "city": "Dubai", "country": "AE"}


def submit_sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Fill in and submit the sign-in form the page shows (the office's or the portal's)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    submit_sign_in(page, email)
    expect(page.get_by_role("navigation", name="Back-office")).to_be_visible()


def portal_sign_in(page, email: str) -> None:
    page.goto("/portal/login/")
    submit_sign_in(page, email)
    expect(page.get_by_role("navigation", name="Customer portal")).to_be_visible()


def small_pdf() -> dict:
    """A real one-page PDF, as Playwright uploads it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return {"name": "signed.pdf", "mimeType": "application/pdf", "buffer": buffer.getvalue()}


def link_from(event: str, path_start: str) -> str:
    email = OutboundEmail.objects.filter(event=event).latest("pk")
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def approved_pi_order(areas):
    """Lina (staff) owns Omar's confirmed 99 USD order; its PI was sent, signed and approved.
    Omar's portal login has `areas`. Returns (lina, contact, order, pi)."""
    lina = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    contact = PortalContactFactory(
        email="omar@acme.test",
        customer__advisor=lina,
        customer__default_currency="USD",
        areas=areas,
    )
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
    return lina, contact, order, pi
