"""Portal access per portal user: areas and their permissions, own orders, login on/off."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import ActivityEntry
from portal.access import AREA_PERMISSIONS, DEFAULT_AREAS, areas_of
from portal.models import Area, PortalAccess
from portal.services.access import PortalError, send_set_password_email, set_portal_access
from tests.factories import PASSWORD, ContactFactory, PortalContactFactory
from tests.helpers import link_in

pytestmark = pytest.mark.django_db
AREA_PAGES = {
    Area.QUOTATIONS: "portal:quotations",
    Area.ORDERS: "portal:orders",
    Area.INVOICES: "portal:invoices",
    Area.STATEMENTS: "portal:statements",
    Area.CANCELLATIONS: "portal:cancellations",
    Area.CONTACTS: "portal:contact-list",
}


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_a_new_portal_login_gets_the_default_areas():
    contact = PortalContactFactory()
    assert areas_of(contact.user) == list(DEFAULT_AREAS)
    assert not _fresh(contact.user).has_perm("portal.manage_contacts")


@pytest.mark.parametrize("area", Area.values)
def test_granting_an_area_grants_its_permissions_and_removing_removes_them(staff, area):
    contact = PortalContactFactory()
    set_portal_access(contact=contact, by=staff, areas=[area])
    user = _fresh(contact.user)
    for other, codenames in AREA_PERMISSIONS.items():
        for codename in codenames:
            assert user.has_perm(f"portal.{codename}") == (other == area), (other, codename)
    set_portal_access(contact=contact, by=staff, areas=[])
    assert not _fresh(contact.user).get_all_permissions()


def test_staff_set_areas_and_own_orders_on_the_access_page(client, staff):
    contact = PortalContactFactory()
    url = reverse("portal_office:contact-access", args=[contact.customer_id, contact.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"areas": ["orders", "contacts"], "own_orders_only": "on"})
    assert response.status_code == 302
    assert areas_of(contact.user) == ["orders", "contacts"]
    assert PortalAccess.objects.get(user=contact.user).own_orders_only
    entry = ActivityEntry.objects.get(verb="portal access changed")
    assert entry.details["own_orders_only"] == [False, True]
    bad = client.post(url, {"areas": ["everything"]})
    assert bad.status_code == 400
    assert areas_of(contact.user) == ["orders", "contacts"]


def test_navigation_shows_only_granted_areas_and_others_answer_403(client, staff):
    contact = PortalContactFactory()
    set_portal_access(contact=contact, by=staff, areas=[Area.ORDERS, Area.STATEMENTS])
    client.force_login(contact.user)
    home = client.get(reverse("portal:home")).content.decode()
    for area, name in AREA_PAGES.items():
        url = reverse(name)
        granted = area in (Area.ORDERS, Area.STATEMENTS)
        assert (f'href="{url}"' in home) == granted, area
        assert client.get(url).status_code == (200 if granted else 403), area


def test_a_disabled_login_cannot_sign_in_until_enabled_again(client, staff):
    contact = PortalContactFactory()
    url = reverse("portal_office:contact-login-active", args=[contact.customer_id, contact.pk])
    client.post(url, {"active": "0"})
    assert not _fresh(contact.user).is_active
    client.logout()
    response = client.post(reverse("portal:login"), {"login": contact.email, "password": PASSWORD})
    assert response.status_code != 302 or "/portal/" not in response.url
    assert client.get(reverse("portal:home")).status_code == 302  # still anonymous

    client.force_login(staff)
    client.post(url, {"active": "1"})
    client.logout()
    response = client.post(reverse("portal:login"), {"login": contact.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200


def test_staff_email_a_set_password_link_that_works_once(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    contact = PortalContactFactory(customer__name="Acme Trading")
    url = reverse("portal_office:contact-set-password", args=[contact.customer_id, contact.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    [email] = mailoutbox
    assert email.to == [contact.email]
    assert contact.email in email.body and "Acme Trading" in email.body
    assert PASSWORD not in email.body
    path = link_in(email.body, "/accounts/password/reset/key/")
    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and "Set your password" in form_page.content.decode()
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new = "fresh-portal-password-7"
    response = client.post(action, {"password1": new, "password2": new}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert _fresh(contact.user).check_password(new)
    client.logout()
    reused = client.get(path, follow=True)
    assert "This link no longer works" in reused.content.decode()


def test_a_contact_without_login_has_no_access_page_and_no_set_password(client, staff):
    contact = ContactFactory()
    url = reverse("portal_office:contact-access", args=[contact.customer_id, contact.pk])
    response = client.get(url, follow=True)
    assert "no portal login" in response.content.decode()
    with pytest.raises(PortalError):
        send_set_password_email(contact=contact, by=staff)


def test_the_portal_tab_lists_logins_with_their_areas_in_constant_queries(client, staff):
    contact = PortalContactFactory()
    customer = contact.customer
    url = reverse("portal_office:customer-portal", args=[customer.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries)

    for _ in range(4):
        PortalContactFactory(customer=customer, is_primary=False)
    few = count()
    for _ in range(45):
        PortalContactFactory(customer=customer, is_primary=False)
    assert count() == few
    html = client.get(url).content.decode()
    assert "Proforma invoices and payments" in html and contact.email in html


def test_portal_users_cannot_reach_the_office_portal_pages(client):
    contact = PortalContactFactory()
    client.force_login(contact.user)
    for name in ["customer-portal"]:
        url = reverse(f"portal_office:{name}", args=[contact.customer_id])
        assert client.get(url).status_code == 403
    for name in ["contact-access", "contact-login-active", "contact-set-password"]:
        url = reverse(f"portal_office:{name}", args=[contact.customer_id, contact.pk])
        assert client.post(url, {"active": "1", "areas": ["contacts"]}).status_code == 403
    assert areas_of(contact.user) == list(DEFAULT_AREAS)


@pytest.mark.parametrize(
    "mangle", [lambda p: p[:-6] + "abcdef/", lambda p: p.replace("/key/", "/key/zz")]
)
def test_a_tampered_set_password_link_gives_a_clear_page(
    client, staff, mangle, mailoutbox, django_capture_on_commit_callbacks
):
    contact = PortalContactFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send_set_password_email(contact=contact, by=staff)
    path = link_in(mailoutbox[0].body, "/accounts/password/reset/key/")
    response = client.get(mangle(path), follow=True)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
