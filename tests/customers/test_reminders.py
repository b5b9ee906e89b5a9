from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Reminder
from customers.services.reminders import send_due_reminders
from customers.tasks import send_due_reminders as send_due_reminders_task
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _reminder(*, minutes: int, staff=None) -> Reminder:
    return Reminder.objects.create(
        customer=CustomerFactory(name="Acme Trading"),
        staff=staff or StaffFactory(email="lina@lumytic.test"),
        due_at=timezone.now() + timedelta(minutes=minutes),
        text="Call about the renewal",
    )


def test_a_due_reminder_is_emailed_exactly_once(mailoutbox, django_capture_on_commit_callbacks):
    reminder = _reminder(minutes=-5)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 0
    [email] = mailoutbox
    assert email.to == ["lina@lumytic.test"]
    assert "Acme Trading" in email.subject
    assert "Call about the renewal" in email.body
    assert f"/office/customers/{reminder.customer.pk}/" in email.body
    reminder.refresh_from_db()
    assert reminder.notified_at is not None


def test_a_future_reminder_waits(mailoutbox, django_capture_on_commit_callbacks):
    _reminder(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task() == 0
    assert mailoutbox == []


def test_many_due_reminders_are_all_sent_in_batches(monkeypatch):
    monkeypatch.setattr("customers.services.reminders.BATCH", 2)
    staff = StaffFactory()
    for _ in range(5):
        _reminder(minutes=-1, staff=staff)
    assert send_due_reminders() == 5
    assert not Reminder.objects.filter(notified_at__isnull=True).exists()
