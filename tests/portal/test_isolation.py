"""Isolation: every portal URL with another customer's ids is a 404, and forms take no extras;
the back-office files of a customer open for staff only.

The table (tests/portal/isolation_table.py) must name every URL pattern of the portal; a new
portal URL without an entry fails `test_every_portal_url_has_an_isolation_entry`, so nobody adds
a page without deciding how it is scoped.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import Contact, Customer
from portal.models import Area
from portal.services.invitations import invitation_token, invite_to_portal
from sales.services.orders import create_order
from tests.factories import ContactFactory, CustomerFactory, PortalContactFactory, StaffFactory
from tests.portal.factories import PDF
from tests.portal.isolation_table import ISOLATION, OFFICE_FILES, portal_url_names, sent_quotation

pytestmark = pytest.mark.django_db


def test_every_portal_url_has_an_isolation_entry():
    missing = [name for name in portal_url_names() if name not in ISOLATION]
    assert not missing, f"Add these portal URLs to ISOLATION: {missing}"


@pytest.fixture
def signed_in(client):
    contact = PortalContactFactory(customer__name="Own Company", areas=Area.values)
    client.force_login(contact.user)
    return contact


@pytest.fixture
def foreign():
    customer = CustomerFactory(name="Someone Else")
    order = create_order(
        customer=customer,
        by=None,
        lines=[{"description": "Foreign goods", "quantity": 1, "unit_price": 10}],
    )
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer, is_primary=False),
        "order": order,
        "quotation": sent_quotation(customer),
    }


@pytest.mark.parametrize("name", sorted(ISOLATION))
def test_another_customers_ids_are_404_on_every_portal_url(client, signed_in, foreign, name):
    rule = ISOLATION[name]
    if not callable(rule):
        return  # no ids in the URL; covered by the scoping tests of each page
    url = reverse(f"portal:{name}", kwargs=rule(foreign))
    assert client.get(url).status_code in (302, 404)
    assert client.post(url, {"first_name": "Hacked", "email": "h@x.test"}).status_code == 404
    foreign["contact"].refresh_from_db()
    assert foreign["contact"].first_name != "Hacked"


@pytest.mark.parametrize("name", sorted(n for n, r in ISOLATION.items() if r == "own"))
def test_own_pages_show_nothing_of_another_customer(client, signed_in, foreign, name):
    response = client.get(reverse(f"portal:{name}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone Else" not in html and foreign["contact"].email not in html


PROBE = {
    "customer": "{other_customer}",
    "customer_id": "{other_customer}",
    "owner": "{staff}",
    "status": "approved",
    "is_staff": "on",
    "is_superuser": "on",
    "role": "staff",
    "user": "{staff}",
    "is_primary": "on",
    "number": "CUS-999999",
    "is_active": "",
}


def _probe(data: dict, other_customer: Customer, staff) -> dict:
    values = {
        key: value.format(other_customer=other_customer.pk, staff=staff.pk)
        for key, value in PROBE.items()
    }
    prefixed = {f"company-{key}": value for key, value in values.items()}
    return {**values, **prefixed, **data}


def test_mass_assignment_probe_changes_nothing_on_any_portal_form(client, signed_in, foreign):
    """Post owner, customer, status and staff flags to every portal form: none of them stick."""
    staff = StaffFactory()
    own = signed_in.customer
    colleague = ContactFactory(customer=own, is_primary=False, email="colleague@own.test")
    forms = [
        (reverse("portal:profile"), {"own": "1", "first_name": "Omar"}),
        (
            reverse("portal:profile"),
            {"company": "1", "company-email": "info@own.test", "company-name": "Renamed"},
        ),
        (reverse("portal:contact-create"), {"first_name": "New", "email": "new@own.test"}),
        (
            reverse("portal:contact-update", args=[colleague.pk]),
            {"first_name": "Col", "email": "colleague@own.test"},
        ),
    ]
    for url, data in forms:
        response = client.post(url, _probe(data, foreign["customer"], staff))
        assert response.status_code in (200, 302, 400), url

    user = get_user_model().objects.get(pk=signed_in.user_id)
    assert (user.is_staff, user.is_superuser, user.role, user.is_active) == (
        False,
        False,
        "portal",
        True,
    )
    own.refresh_from_db()
    assert (own.name, own.number, own.is_active) == ("Own Company", own.number, True)
    assert own.number != "CUS-999999"
    assert own.email == "info@own.test"  # the legitimate field did change
    assert Contact.objects.filter(customer=foreign["customer"]).count() == 1
    assert Contact.objects.filter(customer=own, is_primary=True).get() == signed_in
    assert Contact.objects.get(email="new@own.test").customer == own
    assert Contact.objects.get(email="new@own.test").user is None
    colleague.refresh_from_db()
    assert colleague.customer == own and not colleague.is_primary and colleague.user is None


def test_mass_assignment_probe_on_the_invitation_form(client):
    staff = StaffFactory()
    customer = CustomerFactory()
    other = CustomerFactory()
    invitation = invite_to_portal(customer=customer, by=staff, first_name="Mona", email="m@x.test")
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    password = "a-long-new-password-42"
    client.post(url, _probe({"password1": password, "password2": password}, other, staff))
    user = get_user_model().objects.get(email="m@x.test")
    assert (user.is_staff, user.is_superuser, user.role) == (False, False, "portal")
    assert user.contact.customer == customer


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_another_customers_portal_user_cannot_open_an_office_file(client, signed_in, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    response = client.get(url)
    assert response.status_code == 404  # the file's existence is not confirmed
    assert PDF not in response.content


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_the_customers_own_portal_user_cannot_open_its_office_file(client, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    own = PortalContactFactory(customer=foreign["customer"], is_primary=False, areas=Area.values)
    client.force_login(own.user)
    response = client.get(url)
    assert response.status_code == 404
    assert PDF not in response.content


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_an_anonymous_visitor_is_sent_to_sign_in_for_an_office_file(client, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_staff_open_an_office_file_as_an_unsniffed_attachment(client, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    client.force_login(StaffFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
