import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail.backends import locmem
from django.db import transaction

from lumytic.accounts.roles import ADMIN
from notifications.services import Recipient, notify

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def outbox_settings(settings):
    settings.SITE_URL = "https://lumytic.test"
    settings.DEFAULT_FROM_EMAIL = "no-reply@lumytic.test"
    settings.LANGUAGE_CODE = "en"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS = {
        "DEFAULT_REPLY_TO": "tests.notifications.support.company_reply_to",
        "MAX_RETRIES": 3,
        "RETRY_BACKOFF_SECONDS": 30,
        "RETRY_BACKOFF_MAX_SECONDS": 100,
        "SWEEP_AFTER_SECONDS": 900,
    }
    return settings


@pytest.fixture
def make_user(db):
    def make(email: str, role: str = "staff", **fields):
        return get_user_model().objects.create_user(
            email=email, password=PASSWORD, role=role, **fields
        )

    return make


@pytest.fixture
def staff_user(make_user):
    user = make_user("lina@lumytic.test", first_name="Lina", last_name="Haddad")
    # The Outbox is for roles that may read it (lumytic/accounts/roles.py).
    user.groups.add(Group.objects.get(name=ADMIN))
    return user


@pytest.fixture
def portal_user(make_user):
    return make_user(
        "omar@agent.example", role="portal", first_name="Omar", last_name="Saleh", language="fr"
    )


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def queue_email(db):
    """Write one outbox row in a committed-looking transaction without running its task."""

    def queue(event: str = "order_confirmed", **kwargs):
        kwargs.setdefault("recipients", [Recipient(email="buyer@agent.example", name="Buyer")])
        kwargs.setdefault("context", {"order": "SO-2026-00001"})
        with transaction.atomic():
            return notify(event, **kwargs)

    return queue


@pytest.fixture
def send_email(queue_email, django_capture_on_commit_callbacks):
    """Write outbox rows and run their after-commit tasks, as a committed caller would."""

    def send(event: str = "order_confirmed", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            emails = queue_email(event, **kwargs)
        for email in emails:
            email.refresh_from_db()
        return emails

    return send


@pytest.fixture
def smtp_failures(monkeypatch):
    """Make the test email backend raise the given errors, one per send, then work again."""

    def fail_with(*errors: BaseException) -> list:
        pending = list(errors)
        calls = []
        original = locmem.EmailBackend.send_messages

        def send_messages(self, messages):
            calls.append(messages)
            if pending:
                raise pending.pop(0)
            return original(self, messages)

        monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
        return calls

    return fail_with
