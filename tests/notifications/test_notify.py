"""notify(): recipients for each side, the outbox row written in the caller's transaction and
sent once after commit, and the refusals (unknown event, missing context, no address)."""

import pytest
from django.db import transaction

from notifications.delivery import deliver
from notifications.models import OutboundAttachment, OutboundEmail
from notifications.services import Attachment, Recipient, notify

pytestmark = pytest.mark.django_db


# --- Recipients ---------------------------------------------------------------------------------


def test_recipient_from_a_portal_user_opens_the_portal(portal_user):
    recipient = Recipient.from_user(portal_user)
    assert recipient == Recipient(
        email="omar@agent.example", name="Omar Saleh", language="fr", side="portal"
    )


def test_recipient_from_a_staff_user_opens_the_office(staff_user):
    assert Recipient.from_user(staff_user).side == "office"


def test_recipient_side_must_be_office_or_portal():
    with pytest.raises(ValueError, match="side"):
        Recipient(email="a@example.com", side="admin")


# --- Writing rows in the caller's transaction -----------------------------------------------------


def test_notify_writes_the_row_in_the_callers_transaction(
    django_capture_on_commit_callbacks, mailoutbox
):
    """Until the caller commits, the row exists in its transaction and nothing is sent."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        [email] = notify(
            "order_confirmed",
            recipients=[Recipient(email="buyer@agent.example")],
            context={"order": "SO-2026-00001"},
        )
        assert OutboundEmail.objects.filter(pk=email.pk, status="pending").exists()
        assert callbacks == []
    assert len(callbacks) == 1
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.enqueued_at is None


def test_nothing_is_written_or_sent_when_the_caller_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(
            "order_confirmed",
            recipients=[Recipient(email="buyer@agent.example")],
            context={"order": "SO-2026-00001"},
            attachments=[Attachment("PI.pdf", b"%PDF-1.4", "application/pdf")],
        )
        raise RuntimeError("the caller's step failed")
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert not OutboundAttachment.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_only_when_the_outer_transaction_commits(mailoutbox):
    with transaction.atomic():
        [email] = notify(
            "order_updated",
            recipients=[Recipient(email="buyer@agent.example")],
            context={"order": "SO-2026-00002"},
        )
        assert mailoutbox == []
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.enqueued_at is not None


def test_email_is_sent_exactly_once_after_commit(send_email, mailoutbox):
    [email] = send_email()

    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert len(mailoutbox) == 1

    # A duplicate task (redelivered message, sweep) finds the row sent and sends nothing.
    deliver(email_id=email.pk)
    from notifications.tasks import send_outbound_email

    send_outbound_email.delay(email.pk)
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_delivering_a_missing_row_does_nothing(mailoutbox):
    assert deliver(email_id=987654) is None
    assert mailoutbox == []


def test_unknown_event_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="no_such_email"):
        notify("no_such_email", recipients=[Recipient(email="a@example.com")])
    assert not OutboundEmail.objects.exists()


def test_missing_subject_context_is_a_clear_error():
    with pytest.raises(ValueError, match="'order'"):
        notify("order_confirmed", recipients=[Recipient(email="a@example.com")])
    assert not OutboundEmail.objects.exists()


def test_unknown_link_side_is_refused():
    with pytest.raises(ValueError, match="side"):
        notify(
            "order_confirmed",
            recipients=[Recipient(email="a@example.com")],
            context={"order": "SO-1"},
            links={"admin": "/admin/"},
        )


def test_recipients_without_email_are_skipped_and_addresses_deduplicated(queue_email, staff_user):
    emails = queue_email(
        recipients=[
            staff_user,
            Recipient(email="LINA@lumytic.test", name="Duplicate"),
            Recipient(email=""),
            Recipient(email="  buyer@agent.example  ", side="portal"),
        ]
    )
    assert [email.to_email for email in emails] == ["lina@lumytic.test", "buyer@agent.example"]
    assert emails[0].to_name == "Lina Haddad"
    assert OutboundEmail.objects.count() == 2


def test_no_recipient_with_an_address_writes_one_failed_row_and_sends_nothing(
    send_email, mailoutbox, caplog
):
    """An email to nobody is kept as failed ("no recipient") for staff to see, never sent."""
    [email] = send_email(recipients=[Recipient(email=""), Recipient(email="   ")])

    assert email.status == OutboundEmail.Status.FAILED
    assert email.to_email == ""
    assert email.failed_at is not None and email.sent_at is None
    assert email.last_error.startswith("No recipient")
    assert email.subject == "Order SO-2026-00001 confirmed"
    assert email.enqueued_at is None and email.attempts == 0
    assert mailoutbox == []
    assert "has no recipient" in caplog.text
