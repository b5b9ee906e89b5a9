"""A `next` that is not a path on this site sends the user to the page's own default, never a
500 or another site (issue 16)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lumytic.core.redirects import safe_next
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db
BAD_NEXT = ["foo", "https://evil.test/", "//evil.test/x", "/ok\x00", "javascript:alert(1)", ""]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_anything_but_a_local_path_falls_back(target):
    assert safe_next(RequestFactory().get("/"), target, "/home/") == "/home/"


def test_a_local_path_is_kept():
    assert safe_next(RequestFactory().get("/"), "/office/customers/?q=a", "/") == (
        "/office/customers/?q=a"
    )


@pytest.mark.parametrize("target", BAD_NEXT)
def test_the_office_posts_with_a_next_fall_back_to_their_page(client, target):
    client.force_login(StaffFactory())
    customer = CustomerFactory()

    columns = client.post(reverse("customers:customer-columns"), {"next": target})
    active = client.post(
        reverse("customers:customer-set-active", args=[customer.pk]),
        {"active": "0", "next": target},
    )

    assert columns.status_code == 302
    assert columns["Location"] == reverse("customers:customer-list")
    assert active.status_code == 302
    assert active["Location"] == customer.get_absolute_url()


@pytest.mark.parametrize("target", BAD_NEXT)
def test_the_admin_login_next_falls_back_to_the_admin(client, target):
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:login"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
