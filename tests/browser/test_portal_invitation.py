"""In a real browser: staff invite a contact, who accepts from the email and enters the portal."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import sign_in, submit_sign_in
from tests.factories import ContactFactory, CustomerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_invite_and_the_invitee_accepts_and_signs_in(page, live_server):
    StaffFactory(email="lina@lumytic.test", first_name="Lina")
    customer = CustomerFactory(name="Nile Valley Foods")
    ContactFactory(customer=customer, first_name="Omar")
    sign_in(page, "lina@lumytic.test")

    page.goto(customer.get_absolute_url())
    page.get_by_role("link", name="Invite to portal").click()
    expect(page.get_by_role("tab", name="Portal")).to_have_attribute("aria-selected", "true")
    invite = page.locator("#invite")
    invite.get_by_label("First name").fill("Mona")
    invite.get_by_label("Last name").fill("Aziz")
    invite.get_by_label("Email").fill("mona@nile.test")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation is on its way to mona@nile.test.")).to_be_visible()
    expect(page.locator(".portal-invitations")).to_contain_text("mona@nile.test")

    [email] = [m for m in mail.outbox if m.to == ["mona@nile.test"]]
    path = re.search(r"https?://[^/\s]+(/portal/invitations/\S+)", email.body).group(1)

    page.context.clear_cookies()
    page.goto(path)
    expect(page.get_by_role("heading", name="Join Nile Valley Foods on Lumytic")).to_be_visible()
    page.locator("#id_password1").fill("a-long-new-password-42")
    page.locator("#id_password2").fill("a-long-new-password-42")
    page.get_by_role("button", name="Set password and enter the portal").click()
    expect(page.get_by_text("Welcome! Your portal account is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name="Nile Valley Foods")).to_be_visible()
    expect(page.get_by_role("link", name="Orders", exact=True)).to_be_visible()

    # Signing out and in again works with the chosen password.
    page.get_by_role("button", name=re.compile("Mona")).click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/portal/login/")
    submit_sign_in(page, "mona@nile.test", "a-long-new-password-42")
    expect(page.get_by_role("heading", name="Nile Valley Foods")).to_be_visible()

    # The link is spent.
    page.goto(path)
    expect(page.get_by_text("This invitation was already used. Sign in instead.")).to_be_visible()
