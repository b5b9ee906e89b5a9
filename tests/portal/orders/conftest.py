"""Fixtures of the portal order tests: Acme Trading's signed-in buyer with the orders area, and
a colleague."""

import pytest

from portal.models import Area
from tests.factories import PortalContactFactory, StaffFactory


@pytest.fixture(autouse=True)
def _order_settings(settings):
    settings.BASE_CURRENCY = "USD"
    settings.SITE_URL = "https://lumytic.test"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def advisor():
    return StaffFactory(email="advisor@lumytic.test", first_name="Lina", last_name="Farouk")


@pytest.fixture
def buyer(client, advisor):
    """A signed-in portal user of Acme Trading (USD) with the orders area."""
    contact = PortalContactFactory(
        email="omar@acme.test",
        first_name="Omar",
        customer__acme=True,
        customer__advisor=advisor,
        customer__billing_email="billing@acme.test",
        areas=[Area.ORDERS],
    )
    client.force_login(contact.user)
    return contact.user


@pytest.fixture
def customer(buyer):
    return buyer.contact.customer


@pytest.fixture
def colleague(customer):
    contact = PortalContactFactory(
        customer=customer, is_primary=False, email="mona@acme.test", areas=[Area.ORDERS]
    )
    return contact.user
