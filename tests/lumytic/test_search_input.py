"""Search boxes take any text: control characters (a NUL byte made PostgreSQL refuse the query,
a 500) are dropped and the rest is searched (issue 16)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lumytic.core.lists import search_text
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.sales.helpers import place

pytestmark = pytest.mark.django_db
NUL = "Fal\x00con"

OFFICE_SEARCHES = [
    ("customers:customer-list", "q"),
    ("customers:group-list", "q"),
    ("sales:quotation-list", "q"),
    ("sales:order-list", "q"),
    ("sales:pi-list", "q"),
    ("sales:payment-list", "q"),
    ("sales:product-list", "q"),
    ("sales:product-search", "q"),
    ("sales:order-product-search", "product_q"),
    ("portal_office:registration-list", "q"),
]
PORTAL_SEARCHES = ["portal:orders", "portal:quotations"]


def test_control_characters_are_dropped_and_the_text_trimmed_and_cut():
    request = RequestFactory().get("/", {"q": "  Fal\x00con\x07 Logistics\t "})
    assert search_text(request) == "Falcon Logistics"
    assert search_text(RequestFactory().get("/", {"q": "x" * 500}), max_length=100) == "x" * 100


@pytest.mark.parametrize(("name", "param"), OFFICE_SEARCHES)
def test_office_searches_with_a_nul_byte_answer_without_an_error(client, name, param):
    client.force_login(StaffFactory())
    CustomerFactory(name="Falcon Logistics")
    response = client.get(reverse(name), {param: NUL})
    assert response.status_code < 500


@pytest.mark.parametrize("name", PORTAL_SEARCHES)
def test_portal_searches_with_a_nul_byte_answer_without_an_error(client, name):
    client.force_login(PortalContactFactory().user)
    response = client.get(reverse(name), {"q": NUL})
    assert response.status_code == 200


def test_the_customer_group_search_finds_the_name_around_the_nul(client):
    client.force_login(StaffFactory())
    CustomerFactory(name="Falcon Logistics", group__name="Falcon partners")
    response = client.get(reverse("customers:group-list"), {"q": "Fal\x00con"})
    assert response.status_code == 200
    assert "Falcon partners" in response.content.decode()


def test_the_order_lists_refuse_or_search_past_the_nul(client):
    """The office list's filter form refuses the NUL with its message (django-filter's form
    field); the portal's plain search box searches the text around it."""
    contact = PortalContactFactory()
    falcon = place(contact.customer, customer_reference="Falcon-7")
    heron = place(contact.customer, customer_reference="Heron-8")

    client.force_login(StaffFactory())
    office = client.get(reverse("sales:order-list"), {"q": "Fal\x00con-7"})
    assert office.status_code == 400
    assert "Some filters are not valid" in office.content.decode()

    client.force_login(contact.user)
    portal = client.get(reverse("portal:orders"), {"q": "Fal\x00con-7"}).content.decode()
    assert falcon.number in portal
    assert heron.number not in portal
