"""Staff and portal users each see only their own side."""

import pytest
from django.urls import reverse

from tests.factories import PortalContactFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFICE_PAGES = [
    "office:dashboard",
    "customers:customer-list",
    "sales:quotation-list",
    "sales:order-list",
    "sales:pi-list",
    "sales:payment-list",
    "sales:cancellation-list",
    "sales:exchange",
    "notifications:outbox-list",
]


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_staff_see_every_back_office_section(client, name):
    client.force_login(StaffFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'class="office-sidebar' in response.content


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_portal_users_get_403_in_the_back_office(client, name):
    client.force_login(PortalContactFactory().user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_anonymous_visitors_are_sent_to_the_staff_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("path", ["/admin/", "/admin/customers/customer/", "/admin/login/"])
def test_portal_users_get_403_in_the_admin(client, path):
    client.force_login(PortalContactFactory().user)
    assert client.get(path).status_code == 403


def test_sales_staff_without_admin_access_get_403_in_the_admin(client):
    client.force_login(StaffFactory(is_staff=False))
    assert client.get("/admin/").status_code == 403


def test_admins_reach_the_admin(client):
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/companyprofile/").status_code == 200


def test_anonymous_admin_visitors_end_at_the_staff_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_anonymous_portal_visitors_are_sent_to_the_portal_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_portal_home_shows_the_users_own_company(client):
    contact = PortalContactFactory()
    other = PortalContactFactory()
    client.force_login(contact.user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert b'class="portal-header' in response.content
    assert contact.customer.name.encode() in response.content
    assert other.customer.name.encode() not in response.content


def test_staff_get_403_in_the_portal(client):
    client.force_login(StaffFactory())
    assert client.get(reverse("portal:home")).status_code == 403


def test_a_portal_login_without_a_customer_gets_403(client):
    client.force_login(UserFactory(role="portal"))
    assert client.get(reverse("portal:home")).status_code == 403


def test_a_deactivated_customer_locks_its_portal_users_out(client):
    contact = PortalContactFactory(customer__is_active=False)
    client.force_login(contact.user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_home_sends_each_role_to_its_side(client):
    assert client.get("/").status_code == 200
    client.force_login(StaffFactory())
    assert client.get("/")["Location"] == reverse("office:dashboard")
    client.force_login(PortalContactFactory().user)
    assert client.get("/")["Location"] == reverse("portal:home")


def test_the_database_refuses_admin_access_for_a_portal_user():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        UserFactory(role="portal", is_staff=True)
