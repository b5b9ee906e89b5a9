"""Sign-in, sign-out and password reset run through allauth, with its rate limits."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_staff_sign_in_lands_in_the_back_office(client):
    staff = StaffFactory(email="lina@lumytic.test")
    response = client.post(
        reverse("account_login"), {"login": "LINA@lumytic.test", "password": PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == staff
    assert response.redirect_chain[-1][0] == reverse("office:dashboard")


def test_portal_sign_in_lands_in_the_portal(client):
    contact = PortalContactFactory()
    response = client.post(
        reverse("portal:login"), {"login": contact.user.email, "password": PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == contact.user
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert contact.customer.name in response.content.decode()


def test_portal_user_is_never_sent_to_a_back_office_next_url(client):
    contact = PortalContactFactory()
    response = client.post(
        reverse("account_login") + "?next=/office/",
        {"login": contact.user.email, "password": PASSWORD, "next": "/office/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_wrong_password_is_refused_with_a_message(client):
    StaffFactory(email="lina@lumytic.test")
    response = client.post(
        reverse("account_login"), {"login": "lina@lumytic.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "not correct" in response.content.decode()


def test_sign_out_ends_the_session(client):
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("office:dashboard")).status_code == 302


def test_repeated_failed_logins_are_throttled(client):
    """After five failures for one account from one address even the right password is
    refused there for a while, with a 429 (other addresses: tests/lumytic/test_auth_limits.py)."""
    StaffFactory(email="lina@lumytic.test")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "lina@lumytic.test", "password": "bad"})
    response = client.post(
        reverse("account_login"), {"login": "lina@lumytic.test", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many attempts" in response.content.decode()


def test_admin_login_goes_through_the_throttled_sign_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_admin_login_ignores_foreign_next_urls(client):
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert "evil.example" not in response["Location"]


def test_password_reset_by_emailed_link(client, mailoutbox, django_capture_on_commit_callbacks):
    staff = StaffFactory(email="lina@lumytic.test")
    # The email goes through the outbox, which sends it once its row is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "lina@lumytic.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lina@lumytic.test"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link, mailoutbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "a-brand-new-passphrase-2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    assert done.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new_password)


def test_password_reset_for_an_unknown_address_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert all("password/reset/key" not in message.body for message in mailoutbox)


def test_open_signup_is_closed(client):
    """Customers apply through the portal; allauth's own signup never creates a user."""
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "x-Strong-pass-1",
            "password2": "x-Strong-pass-1",
        },
    )
    assert response.status_code == 200
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="new@example.com").exists()
