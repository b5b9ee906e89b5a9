"""In a real browser, a company signs up, staff approve it, and the applicant sets a password."""

import re

import pytest
from playwright.sync_api import expect

from notifications.models import OutboundEmail
from portal.models import RegistrationRequest
from tests.browser.helpers import submit_sign_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def small_pdf() -> bytes:
    """A valid one-page PDF, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_company_signs_up_is_approved_and_sets_its_password(page, tmp_path, mailoutbox):
    StaffFactory(email="lina@lumytic.test", first_name="Lina", sales_notifications=True)
    pdf = tmp_path / "commercial-registration.pdf"
    pdf.write_bytes(small_pdf())

    # The visitor finds the signup form from the portal's sign-in page.
    page.goto("/portal/login/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Register your company")).to_be_visible()

    page.get_by_label("Company name").fill("Falcon Logistics FZE")
    page.locator("[name=country]").select_option("AE")
    page.get_by_label("First name", exact=False).first.fill("Karim")
    page.locator("[name=last_name]").fill("Nasser")
    page.get_by_label("Email address").fill("karim@falcon.example")
    page.get_by_label("Phone").fill("+971 4 234 5678")
    page.get_by_label("Website").fill("falcon.example")
    page.get_by_label("Physical address").fill("Warehouse 7, Jebel Ali Free Zone")
    billing = page.locator("section", has=page.get_by_role("heading", name="Billing details"))
    billing.locator("[name=billing_first_name]").fill("Karim")
    billing.locator("[name=billing_last_name]").fill("Nasser")
    billing.locator("[name=billing_commercial_name]").fill("Falcon Logistics")
    billing.locator("[name=billing_email]").fill("billing@falcon.example")
    billing.locator("[name=billing_country]").select_option("AE")
    billing.locator("[name=billing_city]").fill("Dubai")
    billing.locator("[name=billing_street]").fill("Sheikh Zayed Road 1")

    # Shipping follows billing by default: its fields are hidden until the box is unchecked.
    same = page.get_by_label("Shipping details same as billing details")
    expect(same).to_be_checked()
    shipping_city = page.locator("[name=shipping_city]")
    expect(shipping_city).to_be_hidden()
    same.uncheck()
    expect(shipping_city).to_be_visible()
    expect(shipping_city).to_be_enabled()
    same.check()
    expect(shipping_city).to_be_hidden()
    expect(shipping_city).to_be_disabled()

    page.get_by_label("Commercial registration (CR) number").fill("CR-778899")
    page.get_by_label("Commercial registration document").set_input_files(pdf)
    page.get_by_role("button", name="Send registration request").click()

    expect(
        page.get_by_role("heading", name="Thank you, your request is on its way")
    ).to_be_visible()
    expect(page.get_by_text("What happens next")).to_be_visible()
    registration = RegistrationRequest.objects.get()
    assert registration.status == "pending" and registration.shipping_same_as_billing

    # Staff review the request in the back-office and approve it.
    page.goto("/accounts/login/")
    submit_sign_in(page, "lina@lumytic.test")
    office = page.get_by_role("navigation", name="Back-office")
    office.get_by_role("link", name="Registrations").click()
    page.get_by_role("link", name="Falcon Logistics FZE").click()
    expect(page.get_by_role("link", name="Download CR document")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Falcon Logistics FZE is approved")).to_be_visible()

    # The applicant opens the link from the approval email and sets a password.
    email = OutboundEmail.objects.get(event="registration_approved")
    assert email.to_email == "karim@falcon.example"
    # The Outbox keeps a note; the link exists only in the message that was sent.
    assert "[set-password link sent; not stored]" in email.body_text
    (sent,) = [m for m in mailoutbox if m.extra_headers["X-Lumytic-Outbox-Id"] == str(email.pk)]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", sent.body)
    assert link, sent.body
    page.context.clear_cookies()
    page.goto(link.group(1))
    page.locator("[name=password1]").fill("a-Brand-new-pass-42")
    page.locator("[name=password2]").fill("a-Brand-new-pass-42")
    # allauth's page, possibly restyled: "Change Password" or "Set password and sign in".
    page.get_by_role("button", name=re.compile(r"password", re.IGNORECASE)).click()

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", name="Falcon Logistics FZE")).to_be_visible()
