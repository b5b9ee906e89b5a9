"""Portal pages: home per granted area, profile, company details, company contacts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Contact
from portal.models import Area
from tests.factories import ContactFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    """A signed-in portal user who may manage the company's contacts."""
    contact = PortalContactFactory(
        customer__name="Acme Trading", customer__email="info@acme.test", areas=Area.values
    )
    client.force_login(contact.user)
    return contact


def test_home_shows_the_company_and_a_card_per_granted_area(client):
    contact = PortalContactFactory(
        customer__name="Acme Trading", areas=[Area.ORDERS, Area.QUOTATIONS]
    )
    client.force_login(contact.user)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Acme Trading" in html
    assert html.count('class="card card-body h-100 portal-area"') == 2
    assert 'data-area="orders"' in html and 'data-area="quotations"' in html
    assert 'data-area="statements"' not in html


def test_home_without_any_area_says_so(client):
    contact = PortalContactFactory(areas=[])
    client.force_login(contact.user)
    assert "No area of the portal is open to you yet" in client.get("/portal/").content.decode()


def test_a_user_edits_their_own_details(client, member):
    url = reverse("portal:profile")
    response = client.post(
        url, {"own": "1", "first_name": "Omar", "last_name": "Haddad", "position": "Buyer"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.position == "Buyer" and member.user.last_name == "Haddad"


def test_a_contacts_manager_edits_the_company_contact_details(client, member):
    response = client.post(
        reverse("portal:profile"),
        {"company": "1", "company-email": "sales@acme.test", "company-website": "acme.test"},
    )
    assert response.status_code == 302
    member.customer.refresh_from_db()
    assert member.customer.email == "sales@acme.test"
    assert member.customer.website == "https://acme.test"


def test_company_details_are_read_only_without_the_contacts_area(client):
    contact = PortalContactFactory(customer__email="info@acme.test")
    client.force_login(contact.user)
    page = client.get(reverse("portal:profile")).content.decode()
    assert 'name="company-email"' not in page
    response = client.post(reverse("portal:profile"), {"company": "1", "company-email": "x@y.test"})
    assert response.status_code == 403
    contact.customer.refresh_from_db()
    assert contact.customer.email == "info@acme.test"


def test_bad_profile_input_is_a_400_with_nothing_saved(client, member):
    response = client.post(reverse("portal:profile"), {"own": "1", "first_name": ""})
    assert response.status_code == 400
    response = client.post(reverse("portal:profile"), {"company": "1", "company-email": "nope"})
    assert response.status_code == 400
    member.customer.refresh_from_db()
    assert member.customer.email == "info@acme.test"


def test_a_contacts_manager_adds_edits_and_deletes_colleagues(client, member):
    response = client.post(
        reverse("portal:contact-create"), {"first_name": "Sara", "email": "sara@acme.test"}
    )
    assert response.status_code == 302
    sara = Contact.objects.get(email="sara@acme.test")
    assert sara.customer == member.customer and not sara.is_primary
    client.post(
        reverse("portal:contact-update", args=[sara.pk]),
        {"first_name": "Sara", "email": "sara@acme.test", "position": "Logistics"},
    )
    sara.refresh_from_db()
    assert sara.position == "Logistics"
    client.post(reverse("portal:contact-delete", args=[sara.pk]))
    assert not Contact.objects.filter(pk=sara.pk).exists()


def test_the_primary_contact_cannot_be_deleted_from_the_portal(client, member):
    response = client.post(reverse("portal:contact-delete", args=[member.pk]), follow=True)
    assert "primary contact cannot be deleted" in response.content.decode()
    assert Contact.objects.filter(pk=member.pk).exists()


def test_a_colleagues_sign_in_email_cannot_be_changed_from_the_portal(client, member):
    colleague = PortalContactFactory(customer=member.customer, is_primary=False)
    client.post(
        reverse("portal:contact-update", args=[colleague.pk]),
        {"first_name": "X", "email": "hijack@evil.test"},
    )
    colleague.refresh_from_db()
    assert colleague.email != "hijack@evil.test" and colleague.first_name == "X"


def test_contact_pages_need_the_contacts_area(client):
    contact = PortalContactFactory()
    client.force_login(contact.user)
    assert client.get(reverse("portal:contact-list")).status_code == 403
    response = client.post(reverse("portal:contact-create"), {"first_name": "Z"})
    assert response.status_code == 403
    assert contact.customer.contacts.count() == 1


def test_the_contact_list_runs_the_same_queries_for_5_and_50_contacts(client, member):
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("portal:contact-list")).status_code == 200
        return len(context.captured_queries)

    ContactFactory.create_batch(4, customer=member.customer, is_primary=False)
    few = count()
    ContactFactory.create_batch(45, customer=member.customer, is_primary=False)
    assert count() == few


def test_staff_and_anonymous_visitors_do_not_get_portal_pages(client):
    assert client.get(reverse("portal:home")).status_code == 302
    client.force_login(StaffFactory())
    assert client.get(reverse("portal:home")).status_code == 403


def test_a_user_of_a_deactivated_customer_is_refused(client):
    contact = PortalContactFactory(customer__is_active=False)
    client.force_login(contact.user)
    assert client.get(reverse("portal:home")).status_code == 403
