"""Who may open the back-office order pages, and the order list: search, filters, sort, pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sales.models import Order
from sales.services.orders import confirm_order
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.sales.helpers import BILLING, html_of, line, place

pytestmark = pytest.mark.django_db


# --- Access --------------------------------------------------------------------------------------


def test_order_pages_are_for_staff_only(client, customer):
    order = place(customer)
    urls = [
        reverse("sales:order-list"),
        reverse("sales:order-detail", args=[order.pk]),
        reverse("sales:order-create"),
        reverse("sales:customer-orders", args=[customer.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(PortalContactFactory().user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("sales:order-cancel", args=[order.pk]), {"reason": "x"}).status_code
        == 403
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


# --- The list ------------------------------------------------------------------------------------


def test_list_searches_number_customer_name_number_and_reference(client, staff, customer):
    other = CustomerFactory(name="Baltic Retail")
    mine = place(customer, customer_reference="PO-7781")
    theirs = place(other)
    url = reverse("sales:order-list")

    def numbers(query):
        return {o.number for o in client.get(url, {"q": query}).context["object_list"]}

    assert numbers(mine.number) == {mine.number}
    assert numbers("acme") == {mine.number}
    assert numbers(other.number) == {theirs.number}
    assert numbers("po-778") == {mine.number}
    assert numbers("nothing-like-this") == set()


def test_list_filters_by_status_customer_owner_currency_and_date(client, staff, customer, advisor):
    other_staff = StaffFactory(first_name="Samir")
    submitted = place(customer)
    confirmed = place(customer, owner=other_staff)
    confirm_order(order=confirmed, by=None, billing=BILLING)
    unassigned = place(CustomerFactory(advisor=None))
    eur = place(customer, currency="EUR")
    old = place(customer)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    url = reverse("sales:order-list")

    def pks(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {o.pk for o in response.context["object_list"]}

    assert pks(status="confirmed") == {confirmed.pk}
    assert pks(customer=customer.pk) == {submitted.pk, confirmed.pk, eur.pk, old.pk}
    assert pks(owner=other_staff.pk) == {confirmed.pk}
    assert pks(owner="null") == {unassigned.pk}
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert old.pk not in pks(date_from=week_ago)
    assert pks(date_to=week_ago) == {old.pk}
    html = html_of(client.get(url, {"customer": customer.pk}))
    assert "Acme Trading" in html and customer.number in html


def test_currency_filter_offers_active_currencies(client, staff, customer, activate):
    activate("USD", "EUR")
    eur = place(customer, currency="EUR")
    place(customer)
    response = client.get(reverse("sales:order-list"), {"currency": "EUR"})
    assert [o.pk for o in response.context["object_list"]] == [eur.pk]


def test_draft_carts_are_listed_only_when_asked_for(client, staff, customer):
    draft = place(customer, submit=False)
    submitted = place(customer)
    url = reverse("sales:order-list")
    assert [o.pk for o in client.get(url).context["object_list"]] == [submitted.pk]
    assert [o.pk for o in client.get(url, {"status": "draft"}).context["object_list"]] == [draft.pk]


def test_list_sorts_on_its_columns_both_ways(client, staff, customer):
    small = place(customer, lines=[line(quantity="1")])
    big = place(customer, lines=[line(quantity="9")])
    url = reverse("sales:order-list")
    assert [o.pk for o in client.get(url, {"sort": "total"}).context["object_list"]] == [
        small.pk,
        big.pk,
    ]
    assert [o.pk for o in client.get(url, {"sort": "-total"}).context["object_list"]] == [
        big.pk,
        small.pk,
    ]
    for key in ("number", "customer", "reference", "status", "date", "owner", "-owner"):
        assert client.get(url, {"sort": key}).status_code == 200
    html = html_of(client.get(url, {"sort": "total"}))
    assert 'aria-sort="ascending"' in html and "sort=-total" in html


def test_list_paginates(client, staff, customer):
    for _ in range(27):
        place(customer)
    url = reverse("sales:order-list")
    first = client.get(url)
    assert len(first.context["object_list"]) == 25 and first.context["is_paginated"]
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 2
    assert client.get(url, {"page": "abc"}).status_code == 200


def test_bad_filters_are_a_400_with_a_message_never_a_500(client, staff, customer):
    place(customer)
    url = reverse("sales:order-list")
    for params in (
        {"owner": "abc"},
        {"customer": "999999"},
        {"status": "nonsense"},
        {"date_from": "31/31/2026"},
        {"date_to": "9999-12-31"},  # the day after it cannot be computed
        {"date_from": "0001-01-01"},
        {"currency": "XXX"},
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert "Some filters are not valid" in html_of(response)
    assert client.get(url, {"sort": "password"}).status_code == 200  # unknown sort: the default


def test_list_runs_the_same_queries_for_5_and_50_orders(client, staff, customer):
    url = reverse("sales:order-list")
    params = {"q": "a", "sort": "owner"}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    customers = [CustomerFactory(name=f"Atlas {i}", advisor=StaffFactory()) for i in range(5)]
    for index in range(5):
        place(customers[index])
    five = count()
    for index in range(45):
        place(customers[index % 5])
    assert count() == five
