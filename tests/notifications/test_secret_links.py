"""Sign-in links (invitations, set-password, password reset) never rest readable in the outbox.

Every link found in a stored body, the Outbox page or the admin is tried with a fresh client: it
must neither open a choose-a-password page nor sign anyone in. The message handed to the email
backend does carry a working link, and a newer email voids the link of an older one.
"""

import importlib
import re
import smtplib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from notifications.delivery import deliver
from notifications.models import OutboundEmail
from notifications.services import requeue_email
from portal.models import Invitation
from portal.services.access import grant_portal_login, send_set_password_email
from portal.services.invitations import invite_to_portal, resend_invitation, revoke_invitation
from tests.factories import ContactFactory, CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-42"
SET_PASSWORD_NOTE = "[set-password link sent; not stored]"
INVITATION_NOTE = "[invitation link sent; not stored]"
SITE = "https://lumytic.test"
# Any address in a body: absolute, or a path in an href/src attribute.
URL = re.compile(r"""https?://[^\s"'<>]+|(?<=href=")[^"]+|(?<=src=")[^"]+""")


def links_in(text: str) -> set[str]:
    """Every link in a text or HTML body, as a path the test client can request."""
    found = set()
    for match in URL.findall(text.replace("&amp;", "&")):
        path = match.removeprefix(SITE)
        if path.startswith("/"):
            found.add(path)
    return found


def opens_a_sign_in(path: str) -> bool:
    """Try a link as a stranger would: does it offer a new password or sign anyone in?"""
    stranger = Client()
    response = stranger.get(path, follow=True)
    if response.streaming:  # a static file or a download, never a page
        return "_auth_user_id" in stranger.session
    page = response.content.decode()
    offers_password = response.status_code == 200 and 'name="password1"' in page
    return offers_password or "_auth_user_id" in stranger.session


def sign_in_with(path: str) -> Client:
    """Follow an emailed link, choose a password, and return the (now signed-in) client."""
    visitor = Client()
    page = visitor.get(path, follow=True)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    action = page.redirect_chain[-1][0] if page.redirect_chain else path
    visitor.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    return visitor


def delivered_link(message, path_start: str) -> str:
    (path,) = [link for link in links_in(message.body) if link.startswith(path_start)]
    assert path in message.alternatives[0][0]  # the HTML part carries the same link
    return path


@pytest.fixture
def every_kind_of_sign_in_email(client, mailoutbox, django_capture_on_commit_callbacks):
    """Send one email of each kind that carries a sign-in link, through the real code paths."""
    staff = StaffFactory(first_name="Lina", last_name="Haddad")
    customer = CustomerFactory(name="Nile Valley Foods")
    with django_capture_on_commit_callbacks(execute=True):
        invite_to_portal(customer=customer, by=staff, first_name="Mona", email="mona@nile.test")
    with django_capture_on_commit_callbacks(execute=True):
        send_set_password_email(contact=PortalContactFactory(), by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        grant_portal_login(contact=ContactFactory(email="new@acme.test"), by=staff)
    StaffFactory(email="reset@lumytic.test")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reset@lumytic.test"})
    emails = list(OutboundEmail.objects.order_by("pk"))
    assert [email.event for email in emails] == [
        "portal_invitation",
        "portal_password_link",
        "portal_account_created",
        "password_reset",
    ]
    assert all(email.status == OutboundEmail.Status.SENT for email in emails)
    assert len(mailoutbox) == 4
    return emails


def test_no_stored_body_or_preview_holds_a_working_sign_in_link(
    every_kind_of_sign_in_email, mailoutbox
):
    admin = Client()
    admin.force_login(StaffFactory(is_superuser=True, is_staff=True))
    tried, shown = set(), {}
    for email in every_kind_of_sign_in_email:
        detail = admin.get(email.get_absolute_url()).content.decode()
        change = admin.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))
        shown[email.pk] = [email.body_text, email.body_html, detail, change.content.decode()]
        for text in shown[email.pk]:
            tried |= links_in(text)
    assert len(tried) > 10  # the site link, the Outbox's and the admin's own pages
    assert not [path for path in tried if opens_a_sign_in(path)]
    # Each stored copy and each preview says that a link was sent.
    for email in every_kind_of_sign_in_email:
        note = INVITATION_NOTE if email.event == "portal_invitation" else SET_PASSWORD_NOTE
        assert all(note in text for text in shown[email.pk])
        assert "never stored" in shown[email.pk][2]  # the Outbox page says why it shows no link

    # The messages handed to the email backend carry links that do open, so the check can tell.
    delivered = {
        message.to[0]: next(
            link
            for link in links_in(message.body)
            if "/password/reset/key/" in link or "/invitations/" in link
        )
        for message in mailoutbox
    }
    assert len(delivered) == 4
    assert all(opens_a_sign_in(path) for path in delivered.values())
    assert not set(delivered.values()) & tried


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service that emails, as a committed request would, so its email is delivered."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def test_a_second_set_password_email_voids_the_first_link(sent, mailoutbox):
    contact, staff = PortalContactFactory(), StaffFactory()
    sent(send_set_password_email, contact=contact, by=staff)
    old = delivered_link(mailoutbox[0], "/accounts/password/reset/key/")
    assert opens_a_sign_in(old)

    sent(send_set_password_email, contact=contact, by=staff)
    new = delivered_link(mailoutbox[1], "/accounts/password/reset/key/")
    refused = Client().get(old, follow=True).content.decode()
    assert "This link no longer works" in refused and 'name="password1"' not in refused

    visitor = sign_in_with(new)
    assert visitor.get(reverse("portal:home")).status_code == 200
    contact.user.refresh_from_db()
    assert contact.user.check_password(NEW_PASSWORD)
    assert not opens_a_sign_in(new)  # used once, it is spent


def test_a_password_reset_request_voids_a_set_password_link_sent_before(client, sent, mailoutbox):
    contact = PortalContactFactory(email="omar@acme.test")
    sent(send_set_password_email, contact=contact, by=StaffFactory())
    staff_link = delivered_link(mailoutbox[0], "/accounts/password/reset/key/")
    sent(client.post, path=reverse("account_reset_password"), data={"email": "omar@acme.test"})
    reset_link = delivered_link(mailoutbox[1], "/accounts/password/reset/key/")
    assert not opens_a_sign_in(staff_link)
    assert opens_a_sign_in(reset_link)


def test_a_resent_invitation_voids_the_previous_link(sent, mailoutbox):
    staff = StaffFactory()
    invitation = sent(
        invite_to_portal,
        customer=CustomerFactory(name="Nile Valley Foods"),
        by=staff,
        first_name="Mona",
        email="mona@nile.test",
    )
    old = delivered_link(mailoutbox[0], "/portal/invitations/")
    assert opens_a_sign_in(old)

    sent(resend_invitation, invitation=invitation, by=staff)
    new = delivered_link(mailoutbox[1], "/portal/invitations/")
    assert new != old
    refused = Client().get(old)
    assert refused.status_code == 410 and "replaced or withdrawn" in refused.content.decode()

    visitor = sign_in_with(new)
    assert visitor.get(reverse("portal:home")).status_code == 200
    assert Invitation.objects.get().accepted_at is not None
    assert not opens_a_sign_in(new)


def test_password_reset_email_is_in_the_outbox_without_its_link_and_arrives_working(
    client, sent, mailoutbox
):
    staff = StaffFactory(email="lina@lumytic.test")
    response = sent(
        client.post, path=reverse("account_reset_password"), data={"email": "LINA@lumytic.test"}
    )
    assert response.status_code == 302

    (email,) = OutboundEmail.objects.all()
    assert email.event == "password_reset" and email.event_name == "Password reset"
    assert email.to_email == "lina@lumytic.test" and email.status == OutboundEmail.Status.SENT
    assert email.subject == "Reset your Lumytic password"
    assert SET_PASSWORD_NOTE in email.body_text and "/password/reset/key/" not in email.body_html
    (message,) = mailoutbox
    assert message.to == ["lina@lumytic.test"] and SET_PASSWORD_NOTE not in message.body
    visitor = sign_in_with(delivered_link(message, "/accounts/password/reset/key/"))
    assert "_auth_user_id" in visitor.session
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_is_in_the_outbox_with_no_link(
    client, sent, mailoutbox
):
    sent(client.post, path=reverse("account_reset_password"), data={"email": "nobody@nowhere.test"})

    (email,) = OutboundEmail.objects.all()
    assert email.event == "password_reset_unknown" and email.to_email == "nobody@nowhere.test"
    assert not email.secret_link_kind
    (message,) = mailoutbox
    assert "no account uses it" in message.body and "/password/reset/key/" not in message.body


def test_a_delivery_retried_after_an_smtp_error_still_carries_a_working_link(
    sent, smtp_failures, mailoutbox
):
    calls = smtp_failures(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    sent(send_set_password_email, contact=PortalContactFactory(), by=StaffFactory())

    (email,) = OutboundEmail.objects.all()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2 and len(calls) == 2
    assert SET_PASSWORD_NOTE in email.body_text
    assert opens_a_sign_in(delivered_link(mailoutbox[0], "/accounts/password/reset/key/"))


def test_a_failed_email_sent_again_by_staff_carries_a_working_link(sent, smtp_failures, mailoutbox):
    smtp_failures(smtplib.SMTPDataError(554, b"Transaction failed"))
    sent(send_set_password_email, contact=PortalContactFactory(), by=StaffFactory())
    (email,) = OutboundEmail.objects.all()
    assert email.status == OutboundEmail.Status.FAILED and not mailoutbox

    sent(requeue_email, email=email)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert opens_a_sign_in(delivered_link(mailoutbox[0], "/accounts/password/reset/key/"))


def test_an_email_replaced_before_it_was_sent_is_failed_not_sent(mailoutbox):
    """Two set-password emails queued before any is sent: only the newer goes out."""
    contact, staff = PortalContactFactory(), StaffFactory()
    send_set_password_email(contact=contact, by=staff)  # the on-commit hooks never run here
    send_set_password_email(contact=contact, by=staff)
    older, newer = OutboundEmail.objects.order_by("pk")

    deliver(email_id=older.pk)
    deliver(email_id=newer.pk)

    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == OutboundEmail.Status.FAILED
    assert "replaced by a newer email" in older.last_error
    assert newer.status == OutboundEmail.Status.SENT
    (message,) = mailoutbox
    assert opens_a_sign_in(delivered_link(message, "/accounts/password/reset/key/"))


def test_an_invitation_revoked_before_it_was_sent_is_not_sent(mailoutbox):
    staff = StaffFactory()
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    revoke_invitation(invitation=invitation, by=staff)
    (email,) = OutboundEmail.objects.all()

    deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED and not mailoutbox
    assert "withdrawn" in email.last_error


def test_a_token_of_allauth_s_own_making_is_refused(client):
    """allauth makes a token for its reset form before handing the email over; it never works."""
    from allauth.account.utils import user_pk_to_url_str

    from lumytic.accounts.links import SetPasswordTokenGenerator

    user = StaffFactory()
    key = SetPasswordTokenGenerator().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    assert not opens_a_sign_in(path)


def test_links_stored_before_the_upgrade_are_blanked_by_the_migration():
    migration = importlib.import_module("notifications.migrations.0003_redact_stored_sign_in_links")
    reset = f"{SITE}/accounts/password/reset/key/4-0-abc123-0123456789abcdef/"
    invite = f"{SITE}/portal/invitations/eyJpIjoxfQ:1tZ:abc/"
    old = OutboundEmail.objects.create(
        event="portal_invitation",
        to_email="mona@nile.test",
        from_email="portal@lumytic.test",
        subject="Invitation",
        body_text=f"Accept invitation: {invite}\nOr: {reset}\n{SITE}\n",
        body_html=f'<a href="{invite}">Accept</a> <a href="{reset}">{reset}</a>',
    )

    migration.redact(django_apps, None)

    old.refresh_from_db()
    assert "/invitations/eyJ" not in old.body_text + old.body_html
    assert "/reset/key/" not in old.body_text + old.body_html
    assert f"Accept invitation: {INVITATION_NOTE}" in old.body_text
    assert f'href="{SET_PASSWORD_NOTE}"' in old.body_html and SITE in old.body_text


def test_a_secret_link_of_unknown_kind_or_beside_other_links_is_refused_and_nothing_written():
    from notifications.links import SecretLink
    from notifications.services import Recipient, notify

    someone = [Recipient(email="someone@agent.example", side="portal")]
    with pytest.raises(ValueError, match="Unknown secret link kind"):
        notify("portal_password_link", recipients=someone, secret_link=SecretLink("nope", "1"))
    with pytest.raises(ValueError, match="only button"):
        notify(
            "portal_password_link",
            recipients=someone,
            links={"portal": "/portal/"},
            secret_link=SecretLink("set_password", "1"),
        )
    with pytest.raises(ValueError, match="only button"):  # this email has no button at all
        notify("registration_rejected", recipients=someone, secret_link=SecretLink("x", "1"))
    assert not OutboundEmail.objects.exists()
