"""Fixtures of the quotation tests: an advisor, Acme Trading, its buyer (a portal contact) and
a seller."""

import pytest

from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory


@pytest.fixture
def advisor():
    return StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")


@pytest.fixture
def customer(advisor):
    return CustomerFactory(name="Acme Trading", default_currency="USD", advisor=advisor)


@pytest.fixture
def buyer(customer):
    """The primary contact, with a portal login."""
    return PortalContactFactory(
        customer=customer, first_name="Omar", last_name="Khalil", email="omar@acme.test"
    )


@pytest.fixture
def seller():
    return StaffFactory(email="samir@lumytic.test")
