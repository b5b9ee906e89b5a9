"""The password policy: at least 12 characters, not common (also with digits and symbols added),
and nothing from the user's own email, name or company, on every form that sets a password."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from portal.services.invitations import invitation_token, invite_to_portal
from tests.factories import PASSWORD, CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db
STRONG = "tangerine-orbit-lantern-41"


@pytest.fixture
def omar():
    """Omar of Acme, with a portal login."""
    return PortalContactFactory(
        customer__name="Acme", email="omar@acme.test", first_name="Omar", last_name="Haddad"
    ).user


def set_password_path(user, mailoutbox, capture) -> str:
    """Ask for a password reset as the user would, and take the link from the email delivered."""
    with capture(execute=True):
        Client().post(reverse("account_reset_password"), {"email": user.email})
    (link,) = re.findall(r"/accounts/password/reset/key/[^\s\"<]+", mailoutbox[-1].body)
    return link


def set_password_by_link(client, user, password: str, mailoutbox, capture):
    """Follow the user's set-password link and submit `password` twice; the form's response."""
    page = client.get(set_password_path(user, mailoutbox, capture), follow=True)
    action = page.redirect_chain[-1][0]
    return client.post(action, {"password1": password, "password2": password})


def problems(password: str, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_summer2026_is_refused_as_short_and_common():
    assert any("at least 12 characters" in p for p in problems("Summer2026"))
    assert problems("Summer2026!!") == [
        "This password is a common word with numbers or symbols added."
    ]


def test_omaracme1_is_refused_for_omar_at_acme(omar):
    found = problems("omaracme1", omar)
    assert any("at least 12 characters" in p for p in found)
    assert "Your password can't contain your email address, name or company name." in found


@pytest.mark.parametrize(
    "password",
    ["omar-is-the-best-7", "ACME-rocks-forever!", "Haddad-2026-secure", "welcome-to-acme-2026"],
)
def test_long_passwords_with_the_users_own_details_are_refused(omar, password):
    assert problems(password, omar) == [
        "Your password can't contain your email address, name or company name."
    ]


def test_the_company_counts_for_a_login_not_created_yet():
    user = StaffFactory.build(email="mona@nile.test", first_name="Mona", last_name="Aziz")
    user.password_company = "Nile Valley Foods"
    assert problems("valley-of-kings-2026", user)
    assert not problems(STRONG, user)


def test_a_long_unrelated_password_is_accepted(omar):
    assert problems(STRONG, omar) == []
    assert problems(PASSWORD, omar) == []


def test_the_set_password_link_refuses_a_password_with_the_company(
    client, omar, mailoutbox, django_capture_on_commit_callbacks
):
    response = set_password_by_link(
        client, omar, "acme-portal-2026!", mailoutbox, django_capture_on_commit_callbacks
    )
    assert "can&#x27;t contain your email address, name or company name" in (
        response.content.decode()
    )
    omar.refresh_from_db()
    assert omar.check_password(PASSWORD)


def test_the_password_change_form_refuses_a_short_password(client):
    staff = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    client.force_login(staff)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Summer2026", "password2": "Summer2026"},
    )
    assert "at least 12 characters" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_reset_form_refuses_the_users_email(
    client, omar, mailoutbox, django_capture_on_commit_callbacks
):
    response = set_password_by_link(
        client, omar, "omar.haddad-2026", mailoutbox, django_capture_on_commit_callbacks
    )
    assert "can&#x27;t contain your email address" in response.content.decode()


def test_the_invitation_refuses_the_invitees_company_and_accepts_a_strong_password(client):
    customer = CustomerFactory(name="Nile Valley Foods")
    invitation = invite_to_portal(
        customer=customer, by=StaffFactory(), first_name="Mona", email="mona@nile.test"
    )
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    refused = client.post(url, {"password1": "nile-valley-2026", "password2": "nile-valley-2026"})
    assert refused.status_code == 400
    assert "can&#x27;t contain your email address, name or company name" in (
        refused.content.decode()
    )
    accepted = client.post(url, {"password1": STRONG, "password2": STRONG})
    assert accepted.status_code == 302
