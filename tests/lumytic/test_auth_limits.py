"""Sign-in limits behind a load balancer: with the trusted proxy count set, every limit applies
to the real client address from X-Forwarded-For; an attacker who knows a staff email is limited
(429) without locking that person, or anyone else, out."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"  # the load balancer: every request reaches the app from it
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def lina():
    return StaffFactory(email="lina@lumytic.test")


def sign_in(client, address: str, password: str, email="lina@lumytic.test", url="account_login"):
    """A sign-in from `address`, as the load balancer forwards it (a forged entry first)."""
    return client.post(
        reverse(url),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}",
    )


def test_failures_on_a_known_staff_email_limit_the_attacker_with_a_429(client, lina):
    for _ in range(5):
        refused = sign_in(client, ATTACKER, "wrong-guess")
        assert refused.status_code == 200 and "not correct" in refused.content.decode()
    limited = sign_in(client, ATTACKER, "wrong-guess")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()
    # Even the right password from the attacker's address waits.
    assert sign_in(client, ATTACKER, PASSWORD).status_code == 429


def test_the_staff_member_still_signs_in_from_another_address(client, lina):
    for _ in range(6):
        sign_in(client, ATTACKER, "wrong-guess")
    assert sign_in(client, ATTACKER, "wrong-guess").status_code == 429
    response = sign_in(client, "198.51.100.7", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("office:dashboard")
    assert response.wsgi_request.user == lina


def test_one_noisy_address_does_not_block_other_users_behind_the_same_proxy(client, lina):
    """Ten failures a minute from one address: that address only, not the whole proxy."""
    for n in range(10):
        sign_in(client, ATTACKER, "wrong-guess", email=f"guess{n}@lumytic.test")
    assert sign_in(client, ATTACKER, "wrong-guess", email="other@lumytic.test").status_code == 429
    omar = StaffFactory(email="omar@lumytic.test")
    response = sign_in(client, "198.51.100.8", PASSWORD, email=omar.email, url="portal:login")
    assert response.status_code == 302 and response.wsgi_request.user == omar


def test_without_the_proxy_count_a_forged_header_changes_nothing(client, settings, lina):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        sign_in(client, f"198.51.100.{n}", "wrong-guess")
    # Every request came from the same socket address, whatever the header said.
    assert sign_in(client, "198.51.100.99", PASSWORD).status_code == 429


def test_a_request_past_fewer_proxies_than_configured_is_limited_by_its_own_address(
    client, settings, lina
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    response = sign_in(client, ATTACKER, PASSWORD)
    assert response.status_code == 302  # not a 500 for a short header


def test_password_reset_is_limited_per_real_client_address(client, lina):
    for _ in range(20):
        client.post(
            reverse("account_reset_password"),
            {"email": "nobody@nowhere.test"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    limited = client.post(
        reverse("account_reset_password"),
        {"email": "someone@nowhere.test"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert limited.status_code == 429
    other = client.post(
        reverse("account_reset_password"),
        {"email": lina.email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other.status_code == 302


def test_portal_signup_is_limited_per_real_client_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "portal_signup": "2/h/ip"}
    url = reverse("portal:signup")
    for _ in range(2):
        client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    other = client.post(url, {}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 400  # the empty form is checked: this address is not limited


def test_an_ipv6_attacker_cannot_dodge_the_limit_by_changing_address_in_its_network(client, lina):
    for n in range(5):
        sign_in(client, f"2001:db8:1:2::{n + 1}", "wrong-guess")
    assert sign_in(client, "2001:db8:1:2::99", "wrong-guess").status_code == 429
    assert sign_in(client, "2001:db8:9:9::1", PASSWORD).status_code == 302
