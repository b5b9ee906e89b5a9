import smtplib

import pytest
from django.urls import reverse

from notifications.delivery import deliver
from notifications.models import OutboundEmail
from notifications.services import Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin@lumytic.test", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_and_shows_outbound_emails(admin_client, queue_email):
    [email] = queue_email(attachments=[("PI.pdf", b"%PDF-1.4", "application/pdf")])

    changelist = admin_client.get(reverse("admin:notifications_outboundemail_changelist"))
    change = admin_client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))

    assert changelist.status_code == 200
    assert b"buyer@agent.example" in changelist.content
    assert change.status_code == 200
    assert b"PI.pdf" in change.content


def test_admin_action_resends_failed_emails_only(
    admin_client,
    queue_email,
    send_email,
    smtp_failures,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    smtp_failures(smtplib.SMTPRecipientsRefused({"failed@agent.example": (550, b"no")}))
    [failed] = queue_email(recipients=[Recipient(email="failed@agent.example")])
    deliver(email_id=failed.pk)
    [sent] = send_email(recipients=[Recipient(email="sent@agent.example")])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_outboundemail_changelist"),
            {"action": "resend_failed", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert b"1 email queued again." in response.content
    assert b"1 email was not failed and was left alone." in response.content
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SENT
    assert [message.to for message in mailoutbox] == [["failed@agent.example"]]
