import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff(client):
    """A signed-in staff member."""
    user = StaffFactory()
    client.force_login(user)
    return user


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads (the import's files) go to a fresh folder of this test."""
    settings.MEDIA_ROOT = tmp_path
