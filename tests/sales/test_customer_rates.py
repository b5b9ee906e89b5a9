"""The customer page's FX-rates tab: list, add (no overlapping ranges), delete, activity."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import ActivityEntry
from sales.models import Currency, CustomerRate
from sales.services import ExchangeError, add_customer_rate, delete_customer_rate
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 1)


@pytest.fixture
def currencies(activate):
    activate("EUR", "JPY")
    return {c.code: c for c in Currency.objects.filter(code__in=["EUR", "JPY", "USD"])}


def tab(customer) -> str:
    return reverse("sales:customer-fx-rates", args=[customer.pk])


def add(customer, currency, start, end=None, rate="0.9"):
    return add_customer_rate(
        customer=customer,
        by=None,
        currency=currency,
        rate=Decimal(rate),
        valid_from=start,
        valid_until=end,
    )


def test_the_tab_lists_the_customers_rates_only(client, staff, currencies):
    customer, other = CustomerFactory(), CustomerFactory()
    add(customer, currencies["EUR"], DAY, DAY + timedelta(days=30), rate="0.8812")
    add(other, currencies["JPY"], DAY, rate="140")
    response = client.get(tab(customer))
    html = response.content.decode()
    assert response.status_code == 200
    assert "customer-rate-table" in html and "0.8812" in html
    assert "140" not in html.split("customer-rate-table")[1]
    assert 'aria-selected="true"' in html.split("FX rates")[0].rsplit("<a", 1)[1]


def test_staff_add_a_rate_and_it_is_recorded_on_the_timeline(client, staff, currencies):
    customer = CustomerFactory()
    response = client.post(
        tab(customer),
        {"currency": "EUR", "rate": "0.875", "valid_from": "2026-03-01", "valid_until": ""},
    )
    assert response.status_code == 302 and response["Location"] == tab(customer)
    rate = CustomerRate.objects.get()
    assert (rate.customer, rate.currency_id, rate.rate) == (customer, "EUR", Decimal("0.875"))
    assert rate.valid_until is None and rate.created_by == staff
    entry = ActivityEntry.objects.get(customer=customer)
    assert entry.verb == "FX rate added" and entry.actor == staff
    assert entry.details["currency"] == "EUR" and entry.details["rate"] == "0.875"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "currency": "EUR",
                "rate": "0.9",
                "valid_from": "2026-03-10",
                "valid_until": "2026-03-01",
            },
            "“Valid until” cannot be before “valid from”.",
        ),
        ({"currency": "EUR", "rate": "0", "valid_from": "2026-03-01"}, "more than zero"),
        ({"currency": "EUR", "rate": "abc", "valid_from": "2026-03-01"}, "Enter a number."),
        ({"currency": "USD", "rate": "1", "valid_from": "2026-03-01"}, "Select a valid choice."),
        ({"currency": "EUR", "rate": "1", "valid_from": ""}, "This field is required."),
    ],
)
def test_bad_input_re_renders_the_tab_with_a_message_and_400(
    client, staff, currencies, data, message
):
    customer = CustomerFactory()
    response = client.post(tab(customer), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CustomerRate.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (DAY + timedelta(days=10), DAY + timedelta(days=40)),  # starts inside
        (DAY - timedelta(days=10), DAY),  # ends on the first day
        (DAY - timedelta(days=10), None),  # open-ended, reaching into it
        (DAY + timedelta(days=30), DAY + timedelta(days=30)),  # its last day
    ],
)
def test_ranges_of_one_currency_may_not_overlap(currencies, start, end):
    customer = CustomerFactory()
    add(customer, currencies["EUR"], DAY, DAY + timedelta(days=30))
    with pytest.raises(ExchangeError, match="ranges overlap"):
        add(customer, currencies["EUR"], start, end)


def test_adjacent_ranges_other_currencies_and_other_customers_are_fine(currencies):
    customer = CustomerFactory()
    add(customer, currencies["EUR"], DAY, DAY + timedelta(days=30))
    add(customer, currencies["EUR"], DAY + timedelta(days=31))
    add(customer, currencies["JPY"], DAY, rate="140")
    add(CustomerFactory(), currencies["EUR"], DAY)
    assert CustomerRate.objects.count() == 4


def test_an_open_ended_rate_blocks_every_later_range(currencies):
    customer = CustomerFactory()
    add(customer, currencies["EUR"], DAY)
    with pytest.raises(ExchangeError):
        add(customer, currencies["EUR"], DAY + timedelta(days=900), DAY + timedelta(days=901))
    add(customer, currencies["EUR"], DAY - timedelta(days=5), DAY - timedelta(days=1))


def test_an_overlap_posted_through_the_tab_is_a_400_with_the_clash(client, staff, currencies):
    customer = CustomerFactory()
    add(customer, currencies["EUR"], DAY, DAY + timedelta(days=30))
    response = client.post(
        tab(customer), {"currency": "EUR", "rate": "0.9", "valid_from": "2026-03-15"}
    )
    assert response.status_code == 400
    assert "already has a EUR rate" in response.content.decode()
    assert CustomerRate.objects.count() == 1


def test_the_base_currency_cannot_get_a_customer_rate(currencies):
    with pytest.raises(ExchangeError, match="always 1"):
        add(CustomerFactory(), currencies["USD"], DAY)


def test_delete_removes_the_rate_and_records_it(client, staff, currencies):
    customer = CustomerFactory()
    rate = add(customer, currencies["EUR"], DAY)
    html = client.get(tab(customer)).content.decode()
    delete_url = reverse("sales:customer-fx-rate-delete", args=[customer.pk, rate.pk])
    assert f'action="{delete_url}"' in html and "data-confirm=" in html

    response = client.post(delete_url)
    assert response.status_code == 302
    assert not CustomerRate.objects.exists()
    assert ActivityEntry.objects.filter(customer=customer, verb="FX rate deleted").exists()


def test_delete_needs_post_and_the_right_customer(client, staff, currencies):
    customer = CustomerFactory()
    rate = add(customer, currencies["EUR"], DAY)
    url = reverse("sales:customer-fx-rate-delete", args=[customer.pk, rate.pk])
    assert client.get(url).status_code == 302
    other = reverse("sales:customer-fx-rate-delete", args=[CustomerFactory().pk, rate.pk])
    assert client.post(other).status_code == 404
    assert CustomerRate.objects.exists()


def test_the_service_deletes_and_records_the_actor(currencies):
    customer, by = CustomerFactory(), StaffFactory()
    delete_customer_rate(customer_rate=add(customer, currencies["EUR"], DAY), by=by)
    assert ActivityEntry.objects.get(verb="FX rate deleted").actor == by


def test_portal_users_get_403_on_the_tab_and_delete(client, currencies):
    customer = CustomerFactory()
    rate = add(customer, currencies["EUR"], DAY)
    client.force_login(PortalContactFactory(customer=customer).user)
    assert client.get(tab(customer)).status_code == 403
    assert client.post(tab(customer), {"currency": "EUR"}).status_code == 403
    delete_url = reverse("sales:customer-fx-rate-delete", args=[customer.pk, rate.pk])
    assert client.post(delete_url).status_code == 403
    assert CustomerRate.objects.count() == 1


def test_the_tab_runs_the_same_number_of_queries_for_5_or_50_rates(client, staff, activate):
    customer = CustomerFactory()

    def fill(count):
        codes = list(Currency.objects.exclude(code="USD").values_list("code", flat=True)[:count])
        activate(*codes)
        for code in codes:
            add(customer, Currency.objects.get(code=code), DAY)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(tab(customer)).status_code == 200
        return len(context.captured_queries)

    fill(5)
    few = queries()
    CustomerRate.objects.all().delete()
    fill(50)
    assert queries() == few
