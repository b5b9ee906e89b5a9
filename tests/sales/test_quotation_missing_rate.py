"""Quoting never dead-ends on a missing rate: the line says which rate is missing and, to staff
who may set rates, offers entering today's manual rate right there; a product priced in the
quotation's currency needs no rate at all."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sales.models import ExchangeRate, Product
from tests.factories import CustomerFactory, SalesFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kwd_customer(activate):
    activate("KWD")  # an active currency with no rate yet
    return CustomerFactory(name="Gulf Supplies", default_currency="KWD")


@pytest.fixture
def lamp():
    return Product.objects.create(
        sku="LMP", name="Desk lamp", unit_price=Decimal("40"), currency="USD", tax_rate=0
    )


def line(client, customer, product, index="2"):
    params = {"index": index, "product": product.pk, "customer": customer.pk, "currency": "KWD"}
    return client.get(reverse("sales:quotation-line"), params)


def test_a_missing_rate_is_named_and_staff_who_may_can_enter_it_inline(
    client, usd_site, kwd_customer, lamp
):
    client.force_login(StaffFactory())
    response = line(client, kwd_customer, lamp)

    assert response.status_code == 400  # swapped in by htmx, with what to do
    html = response.content.decode()
    assert "There is no exchange rate for KWD" in html
    assert 'data-missing-rate="KWD"' in html
    assert "Enter today's KWD rate (units per 1 USD) to price this line:" in html
    assert reverse("sales:quotation-line-rate") in html

    # The rate goes in from the line, and the line comes back priced.
    priced = client.post(
        reverse("sales:quotation-line-rate"),
        {
            "index": "2",
            "product": lamp.pk,
            "customer": kwd_customer.pk,
            "currency": "KWD",
            "rate_currency": "KWD",
            "rate": "0.3075",
        },
    )
    assert priced.status_code == 200
    html = priced.content.decode()
    assert 'name="lines-2-unit_price" value="12.300"' in html  # 40 USD at 0.3075 KWD
    assert "missing-rate" not in html
    rate = ExchangeRate.objects.get(currency__code="KWD")
    assert (rate.rate, rate.date) == (Decimal("0.3075"), timezone.localdate())


def test_a_bad_rate_is_refused_next_to_the_line_and_nothing_is_saved(
    client, usd_site, kwd_customer, lamp
):
    client.force_login(StaffFactory())
    for rate, message in (("abc", "Enter a number."), ("0", "more than zero")):
        response = client.post(
            reverse("sales:quotation-line-rate"),
            {
                "index": "0",
                "product": lamp.pk,
                "customer": kwd_customer.pk,
                "currency": "KWD",
                "rate_currency": "KWD",
                "rate": rate,
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and f'value="{rate}"' in html
        assert 'data-missing-rate="KWD"' in html  # the way forward stays on screen
    assert not ExchangeRate.objects.exists()


def test_staff_who_may_not_set_rates_are_told_who_can(client, usd_site, kwd_customer, lamp):
    client.force_login(SalesFactory())
    html = line(client, kwd_customer, lamp).content.decode()
    assert "A sales manager can enter today's KWD rate on the exchange page" in html
    assert reverse("sales:quotation-line-rate") not in html
    response = client.post(
        reverse("sales:quotation-line-rate"),
        {"index": "0", "product": lamp.pk, "rate_currency": "KWD", "rate": "0.3"},
    )
    assert response.status_code == 403
    assert not ExchangeRate.objects.exists()


def test_a_product_priced_in_the_quotations_currency_needs_no_rate(client, usd_site, kwd_customer):
    client.force_login(StaffFactory())
    local = Product.objects.create(
        sku="KW-1", name="Local cable", unit_price=Decimal("2.5"), currency="KWD", tax_rate=0
    )
    response = line(client, kwd_customer, local)
    assert response.status_code == 200
    assert 'name="lines-2-unit_price" value="2.500"' in response.content.decode()
