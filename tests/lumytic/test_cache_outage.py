"""With Redis unreachable, sign-in and the pages that use the cache still work (issue 16)."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from lumytic.core import cache as resilient
from tests.factories import PASSWORD, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache points at a port where nothing listens, as when Redis has stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": "lumytic.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    monkeypatch.setattr(resilient, "_last_logged", 0.0)


def test_a_cache_that_cannot_be_reached_holds_nothing_and_raises_nothing(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="lumytic.cache"):
        cache.set("k", "v")
        assert cache.get("k") is None
        assert cache.get("k", "fallback") == "fallback"
        assert cache.get_many(["k"]) == {}
        assert cache.add("lock", True) is True  # a lock "taken", so nobody waits on it
        assert cache.delete("k") is False
    # One warning for the whole outage, not one per call.
    (record,) = caplog.records
    assert record.getMessage().startswith("Cache unreachable, serving without it")


def test_staff_sign_in_and_open_the_customer_list_while_the_cache_is_down(
    client, redis_down, caplog
):
    staff = StaffFactory(email="lina@lumytic.test")
    CustomerFactory(name="Falcon Logistics")

    with caplog.at_level(logging.WARNING, logger="lumytic.cache"):
        response = client.post(
            reverse("account_login"), {"login": staff.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("office:dashboard")

        page = client.get(reverse("customers:customer-list"))
    assert page.status_code == 200
    assert "Falcon Logistics" in page.content.decode()
    assert any("Cache unreachable" in record.getMessage() for record in caplog.records)


def test_a_wrong_password_is_still_refused_while_the_cache_is_down(client, redis_down):
    staff = StaffFactory(email="lina@lumytic.test")
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
