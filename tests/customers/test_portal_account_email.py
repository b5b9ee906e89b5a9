"""A portal login made by staff is announced as such, never as an approved registration."""

import pytest
from django.urls import reverse

from customers.models import ActivityEntry, Customer
from notifications.models import OutboundEmail
from tests.customers.helpers import CREATE, form_data
from tests.factories import PortalContactFactory

pytestmark = pytest.mark.django_db


def test_staff_creating_a_customer_with_a_portal_login_send_portal_account_created(client, staff):
    client.post(CREATE, form_data(**{"contact-portal_login": "on"}))

    (email,) = OutboundEmail.objects.all()
    assert email.event == "portal_account_created"
    assert email.event_name == "Portal account created"
    assert email.to_email == "omar@acme.test"
    assert "created a customer portal account for you at Acme Trading FZE" in email.body_text
    assert "Username: omar@acme.test" in email.body_text
    # The stored copy names the link; the token exists only in the message sent.
    assert (
        "Sign In" in email.body_html and "[set-password link sent; not stored]" in email.body_text
    )
    assert "/accounts/password/reset/key/" not in email.body_text + email.body_html
    verbs = set(ActivityEntry.objects.values_list("verb", flat=True))
    assert "portal login created" in verbs and "registration approved" not in verbs


def test_staff_adding_a_portal_login_on_edit_send_portal_account_created(client, staff):
    client.post(CREATE, form_data())
    assert not OutboundEmail.objects.exists()  # no login yet, so no email
    customer = Customer.objects.get()
    client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        form_data(**{"contact-portal_login": "on"}),
    )

    assert list(OutboundEmail.objects.values_list("event", flat=True)) == ["portal_account_created"]


def test_a_set_password_link_sent_by_staff_is_its_own_email(client, staff):
    contact = PortalContactFactory(customer__name="Acme Trading")
    client.post(
        reverse("portal_office:contact-set-password", args=[contact.customer_id, contact.pk])
    )

    (email,) = OutboundEmail.objects.all()
    assert email.event == "portal_password_link"
    assert email.event_name == "Set-password link"
    assert email.subject == "Set your Lumytic password"
    assert "Acme Trading" in email.body_text and contact.email in email.body_text
