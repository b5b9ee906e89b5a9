"""An email that would reach nobody is visible in the Outbox as failed, never sent."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notifications.delivery import deliver
from notifications.errors import NotResendableError
from notifications.models import OutboundEmail
from notifications.services import Recipient, requeue_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def unaddressed(queue_email):
    [email] = queue_email(recipients=[])
    return email


def test_an_email_to_nobody_is_never_handed_to_a_worker(
    queue_email, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [email] = queue_email(recipients=[])

    assert callbacks == []
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED


def test_deliver_fails_a_pending_row_without_an_address_instead_of_sending_it(
    queue_email, mailoutbox
):
    [email] = queue_email()
    OutboundEmail.objects.filter(pk=email.pk).update(to_email="")

    deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.sent_at is None
    assert email.last_error.startswith("No recipient")
    assert mailoutbox == []


def test_an_email_to_nobody_cannot_be_resent(unaddressed, mailoutbox):
    with pytest.raises(NotResendableError, match="no recipient"):
        requeue_email(email=unaddressed)

    unaddressed.refresh_from_db()
    assert unaddressed.status == OutboundEmail.Status.FAILED
    assert mailoutbox == []


def test_outbox_list_shows_the_email_to_nobody_as_failed(staff_client, unaddressed, queue_email):
    queue_email(recipients=[Recipient(email="buyer@agent.example")])

    response = staff_client.get(reverse("notifications:outbox-list"), {"status": "failed"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No recipient" in html
    assert "Order SO-2026-00001 confirmed" in html
    assert "buyer@agent.example" not in html  # the pending one is filtered out


def test_outbox_detail_names_the_missing_recipient_and_offers_no_resend(staff_client, unaddressed):
    response = staff_client.get(unaddressed.get_absolute_url())

    html = response.content.decode()
    assert "Delivery failed" in html
    assert "No recipient: nobody with an email address was given for this email." in html
    assert reverse("notifications:outbox-resend", args=[unaddressed.pk]) not in html


def test_posting_a_resend_of_an_email_to_nobody_says_why(staff_client, unaddressed, mailoutbox):
    response = staff_client.post(reverse("notifications:outbox-resend", args=[unaddressed.pk]))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This email has no recipient, so it cannot be sent again."
    ]
    assert mailoutbox == []
