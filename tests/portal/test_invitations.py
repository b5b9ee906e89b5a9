"""Invitations: invite, accept once, expire, resend, revoke; clear pages for bad links."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from customers.models import ActivityEntry, Contact
from portal.access import DEFAULT_AREAS, areas_of
from portal.models import Invitation
from portal.services.access import PortalError
from portal.services.invitations import (
    invitation_token,
    invite_to_portal,
    resend_invitation,
    revoke_invitation,
)
from tests.factories import ContactFactory, CustomerFactory, StaffFactory
from tests.helpers import link_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-password-42"


def _invite(client, customer, **data):
    url = reverse("portal_office:customer-portal", args=[customer.pk])
    payload = {"first_name": "Mona", "last_name": "Aziz", "email": "mona@nile.test", **data}
    return client.post(url, payload)


def test_staff_invite_a_new_person_and_the_email_has_a_working_link(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(name="Nile Valley Foods")
    ContactFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, customer)
    assert response.status_code == 302
    contact = Contact.objects.get(email="mona@nile.test")
    assert contact.customer == customer and not contact.is_primary
    [email] = mailoutbox
    assert email.to == ["mona@nile.test"]
    assert "Nile Valley Foods" in email.subject
    assert "Lina Haddad" in email.body and "Nile Valley Foods" in email.body
    assert email.from_email.startswith("LUMYTIC | Customer Portal")
    html = email.alternatives[0][0]
    assert "Accept invitation" in html
    path = link_in(email.body, "/portal/invitations/")
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "Join Nile Valley Foods" in page.content.decode()


def test_an_invitation_links_an_existing_contact_with_that_email(client, staff):
    contact = ContactFactory(email="omar@acme.test")
    _invite(client, contact.customer, email="OMAR@acme.test", first_name="Ignored")
    invitation = Invitation.objects.get()
    assert invitation.contact == contact
    assert Contact.objects.count() == 1


def test_accepting_sets_the_password_signs_in_and_lands_in_the_portal(client, staff):
    customer = CustomerFactory(name="Nile Valley Foods")
    invitation = invite_to_portal(
        customer=customer, by=staff, first_name="Mona", email="mona@nile.test"
    )
    client.logout()
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200 and "Nile Valley Foods" in home.content.decode()
    user = get_user_model().objects.get(email="mona@nile.test")
    assert user.role == "portal" and user.check_password(NEW_PASSWORD)
    assert user.contact == invitation.contact
    assert areas_of(user) == list(DEFAULT_AREAS)
    assert ActivityEntry.objects.filter(verb="accepted the portal invitation").exists()


def test_a_used_link_gives_a_clear_page_and_no_second_login(client, staff):
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    client.logout()
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.post(
        url, {"password1": "another-password-99", "password2": "another-password-99"}
    )
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert get_user_model().objects.get(email="mona@nile.test").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-3] + "abc",
        lambda token: "nonsense",
        lambda token: token + "x",
    ],
)
def test_a_tampered_link_gives_a_clear_page(client, staff, mangle):
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    client.logout()
    url = reverse("portal:invitation-accept", args=[mangle(invitation_token(invitation))])
    response = client.get(url)
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_an_expired_link_gives_a_clear_page(client, staff, settings):
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.logout()
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not get_user_model().objects.filter(email="mona@nile.test").exists()


def test_a_weak_or_mismatched_password_is_refused_with_a_400(client, staff):
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    client.logout()
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    assert client.post(url, {"password1": "123", "password2": "123"}).status_code == 400
    mismatch = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and "differ" in mismatch.content.decode()
    assert not get_user_model().objects.filter(email="mona@nile.test").exists()


def test_resend_replaces_the_link_and_revoke_voids_it(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_to_portal(
            customer=customer, by=staff, first_name="Mona", email="mona@nile.test"
        )
    old = link_in(mailoutbox[0].body, "/portal/invitations/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal_office:invitation-resend", args=[customer.pk, invitation.pk]))
    new = link_in(mailoutbox[1].body, "/portal/invitations/")
    assert old != new
    client.logout()
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200

    client.force_login(staff)
    client.post(reverse("portal_office:invitation-revoke", args=[customer.pk, invitation.pk]))
    client.logout()
    response = client.get(new)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    with pytest.raises(PortalError):
        resend_invitation(invitation=invitation, by=staff)


def test_inviting_someone_who_already_signs_in_is_refused(client, staff):
    StaffFactory(email="mona@nile.test")
    customer = CustomerFactory()
    response = _invite(client, customer)
    assert response.status_code == 400
    assert "already signs in" in response.content.decode()
    assert not Invitation.objects.exists() and not customer.contacts.exists()


def test_inviting_twice_resends_the_open_invitation(client, staff):
    customer = CustomerFactory()
    _invite(client, customer)
    _invite(client, customer)
    assert Invitation.objects.count() == 1


def test_an_accepted_invitation_cannot_be_revoked(staff):
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    with pytest.raises(PortalError):
        revoke_invitation(invitation=invitation, by=staff)


def test_invitation_actions_of_another_customer_are_404(client, staff):
    invitation = invite_to_portal(
        customer=CustomerFactory(), by=staff, first_name="Mona", email="mona@nile.test"
    )
    other = CustomerFactory()
    for name in ["invitation-resend", "invitation-revoke"]:
        url = reverse(f"portal_office:{name}", args=[other.pk, invitation.pk])
        assert client.post(url).status_code == 404
