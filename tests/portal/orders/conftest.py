"""Fixtures of the portal order tests: Acme Trading's signed-in buyer with the orders area, and
a colleague."""

import pytest

from portal.models import Area
from portal.services.access import set_portal_access
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
        customer__name="Acme Trading",
        customer__advisor=advisor,
        customer__default_currency="USD",
        customer__billing_first_name="Omar",
        customer__billing_last_name="Khalil",
        customer__billing_street="Sheikh Zayed Rd 1",
        customer__billing_city="Dubai",
        customer__billing_country="AE",
        customer__billing_email="billing@acme.test",
    )
    set_portal_access(contact=contact, by=None, areas=[Area.ORDERS])
    client.force_login(contact.user)
    return contact.user


@pytest.fixture
def customer(buyer):
    return buyer.contact.customer


@pytest.fixture
def colleague(customer):
    contact = PortalContactFactory(customer=customer, is_primary=False, email="mona@acme.test")
    set_portal_access(contact=contact, by=None, areas=[Area.ORDERS])
    return contact.user
