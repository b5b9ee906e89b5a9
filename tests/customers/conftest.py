import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff(client):
    """A signed-in staff member."""
    user = StaffFactory()
    client.force_login(user)
    return user
