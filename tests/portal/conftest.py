import pytest

from portal.models import Area
from portal.services.access import set_portal_access
from tests.factories import PortalContactFactory, StaffFactory


@pytest.fixture
def staff(client):
    """A signed-in staff member."""
    user = StaffFactory(first_name="Lina", last_name="Haddad")
    client.force_login(user)
    return user


@pytest.fixture
def signup_site(settings, tmp_path):
    """Uploads in a temporary folder, the site's address and English (the signup tests)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://lumytic.test"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owner():
    return StaffFactory(email="owner@lumytic.test")


@pytest.fixture
def buyer(client, owner):
    """A signed-in portal user of Acme Trading with the orders and invoices areas."""
    contact = PortalContactFactory(
        customer__name="Acme Trading", customer__default_currency="USD", customer__advisor=owner
    )
    set_portal_access(contact=contact, by=None, areas=[Area.ORDERS, Area.INVOICES])
    client.force_login(contact.user)
    return contact.user
