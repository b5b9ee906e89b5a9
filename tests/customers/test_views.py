import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ContactFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_customer_list_runs_the_same_queries_for_5_and_50_rows(client):
    client.force_login(StaffFactory())
    CustomerFactory.create_batch(5)
    few = _queries(client, reverse("customers:customer-list"))
    CustomerFactory.create_batch(45)
    many = _queries(client, reverse("customers:customer-list"))
    assert few == many


def test_customer_list_searches_names_numbers_and_contacts(client):
    client.force_login(StaffFactory())
    acme = CustomerFactory(name="Acme Trading")
    CustomerFactory(name="Nile Valley")
    ContactFactory(customer=acme, first_name="Omar")
    for query in ["acme", acme.number, "omar"]:
        page = client.get(reverse("customers:customer-list"), {"q": query}).content.decode()
        assert "Acme Trading" in page
        assert "Nile Valley" not in page
    empty = client.get(reverse("customers:customer-list"), {"q": "zzz"}).content.decode()
    assert "No customer matches" in empty
