import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads (the import's files) go to a fresh folder of this test."""
    settings.MEDIA_ROOT = tmp_path
