import contextlib
import os
import shutil

import pytest
from django.core.cache import cache

from lumytic.celery import app as celery_app
from tests.factories import StaffFactory

IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, what: str) -> None:
    """Skip a test that needs a missing service locally; in CI, fail it loudly."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available here")


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks in-process unless a test starts a real worker."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hash test passwords cheaply; production keeps Django's slow default hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak between tests."""
    # The database cache has no table outside a database test; nothing to clear there.
    with contextlib.suppress(Exception):
        cache.clear()
    yield


@pytest.fixture
def staff(client):
    """A signed-in staff member."""
    user = StaffFactory()
    client.force_login(user)
    return user


@pytest.fixture
def chromium_path() -> str:
    path = "/usr/bin/chromium"
    require(shutil.which(path) is not None, "Chromium (/usr/bin/chromium)")
    return path


@pytest.fixture
def media_on_disk(settings, tmp_path):
    """Uploaded files go to a fresh folder of this test, on the plain file system."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def usd_site(settings, media_on_disk):
    """The settings most order-flow tests share: USD books, English, a site URL, files on disk."""
    settings.BASE_CURRENCY = "USD"
    settings.SITE_URL = "https://lumytic.test"
    settings.LANGUAGE_CODE = "en"
