import pytest

from portal.models import Area
from tests.factories import StaffFactory
from tests.portal.helpers import acme_buyer


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
    contact = acme_buyer(owner, [Area.ORDERS, Area.INVOICES])
    client.force_login(contact.user)
    return contact.user
