"""Plain helpers shared by the browser tests: signing in on both sides, a real PDF to upload,
a link from the last email."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfWriter

from notifications.models import OutboundEmail
from tests.factories import PASSWORD

BILLING = {"first_name": "Omar", "last_name": "Khalil", "city": "Dubai", "country": "AE"}


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Back-office")).to_be_visible()


def portal_sign_in(page, email: str) -> None:
    page.goto("/portal/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
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
