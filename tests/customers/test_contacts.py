"""Contacts: add, edit, delete (never the primary), make primary (always exactly one)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import ActivityEntry, Contact
from tests.factories import ContactFactory, CustomerFactory, PortalContactFactory

pytestmark = pytest.mark.django_db


def test_add_and_edit_a_contact(client, staff):
    customer = CustomerFactory()
    primary = ContactFactory(customer=customer)
    url = reverse("customers:contact-create", args=[customer.pk])
    response = client.post(url, {"first_name": "Mona", "email": "mona@x.test", "position": "CFO"})
    assert response.status_code == 302
    mona = customer.contacts.get(first_name="Mona")
    assert not mona.is_primary and primary.pk != mona.pk

    edit = reverse("customers:contact-update", args=[customer.pk, mona.pk])
    client.post(edit, {"first_name": "Mona", "email": "mona@x.test", "position": "CEO"})
    change = ActivityEntry.objects.get(verb="contact changed", target_id=str(mona.pk))
    assert change.details == {"position": ["CFO", "CEO"]}


def test_contact_form_errors_are_shown_with_a_400(client, staff):
    customer = CustomerFactory()
    url = reverse("customers:contact-create", args=[customer.pk])
    response = client.post(url, {"first_name": "", "email": "nope"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not customer.contacts.exists()


def test_the_primary_contact_cannot_be_deleted(client, staff):
    primary = ContactFactory()
    url = reverse("customers:contact-delete", args=[primary.customer_id, primary.pk])
    response = client.post(url, follow=True)
    assert "primary contact cannot be deleted" in response.content.decode()
    assert Contact.objects.filter(pk=primary.pk).exists()


def test_another_contact_can_be_deleted(client, staff):
    primary = ContactFactory()
    other = ContactFactory(customer=primary.customer, is_primary=False)
    client.post(reverse("customers:contact-delete", args=[primary.customer_id, other.pk]))
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert ActivityEntry.objects.filter(verb="contact deleted", customer=primary.customer).exists()


def test_make_primary_swaps_and_keeps_exactly_one(client, staff):
    primary = ContactFactory()
    other = ContactFactory(customer=primary.customer, is_primary=False)
    url = reverse("customers:contact-make-primary", args=[primary.customer_id, other.pk])
    client.post(url)
    primary.refresh_from_db()
    other.refresh_from_db()
    assert other.is_primary and not primary.is_primary
    assert primary.customer.contacts.filter(is_primary=True).count() == 1


def test_a_contact_of_another_customer_is_404(client, staff):
    contact = ContactFactory()
    elsewhere = CustomerFactory()
    for name in ["contact-update", "contact-delete", "contact-make-primary"]:
        url = reverse(f"customers:{name}", args=[elsewhere.pk, contact.pk])
        method = client.get if name == "contact-update" else client.post
        assert method(url).status_code == 404, name


def test_portal_users_cannot_manage_contacts(client):
    contact = PortalContactFactory()
    client.force_login(contact.user)
    url = reverse("customers:contact-create", args=[contact.customer_id])
    assert client.get(url).status_code == 403


def test_contacts_tab_runs_the_same_queries_for_5_and_50_contacts(client, staff):
    customer = CustomerFactory()
    ContactFactory(customer=customer)
    ContactFactory.create_batch(4, customer=customer, is_primary=False)
    url = reverse("customers:customer-contacts", args=[customer.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    few = count()
    ContactFactory.create_batch(45, customer=customer, is_primary=False)
    assert count() == few
