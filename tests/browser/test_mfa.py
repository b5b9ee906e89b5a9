"""In a real browser, a staff member whose role needs two-factor sign-in sets up an
authenticator app before the back-office opens, then signs in again with a recovery code."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import submit_sign_in
from tests.factories import PASSWORD, StaffFactory
from tests.lumytic.helpers import grant, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_sets_up_an_authenticator_app_before_the_office_opens(page, settings):
    settings.MFA_REQUIRED = True
    settings.MFA_TOTP_TOLERANCE = 1
    staff = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    grant(staff, "sales.confirm_payment")

    page.goto("/office/")
    submit_sign_in(page, "lina@lumytic.test")

    # Sent to the two-factor page instead of the dashboard, told why.
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("needs two-factor sign-in")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "mfa_required.png", full_page=True)
    page.get_by_role("link", name="Set up").click()

    # Changing the second factor asks for the password again.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "mfa_setup.png", full_page=True)
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.get_by_text("10 of 10 recovery codes left.")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "mfa_recovery_codes.png", full_page=True)
    recovery_code = page.get_by_test_id("recovery-codes").locator("li").first.inner_text()

    page.get_by_role("link", name="Back to the back-office").click()
    expect(page.get_by_role("heading", name="Hello, Lina")).to_be_visible()

    # Next time the password alone is not enough; a recovery code stands in for the phone.
    page.get_by_role("button", name="Lina").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/office/")
    submit_sign_in(page, "lina@lumytic.test")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "mfa_sign_in.png", full_page=True)
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Lina")).to_be_visible()


def add_virtual_security_key(page) -> None:
    """Give Chromium a software security key that answers every WebAuthn request."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_staff_adds_a_security_key_and_signs_in_with_it(page, settings):
    settings.MFA_REQUIRED = True
    staff = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    grant(staff, "portal.manage_portal_access")
    add_virtual_security_key(page)

    page.goto("/office/")
    submit_sign_in(page, "lina@lumytic.test")
    page.get_by_role("link", name="Add a key").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Add a security key")).to_be_visible()
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    page.goto("/office/")
    expect(page.get_by_role("heading", name="Hello, Lina")).to_be_visible()

    page.get_by_role("button", name="Lina").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/office/")
    submit_sign_in(page, "lina@lumytic.test")
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_role("heading", name="Hello, Lina")).to_be_visible()

    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_text("Desk key")).to_be_visible()
