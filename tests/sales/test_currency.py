"""One conversion function: customer rate > manual rate > fetched daily rate; Decimal money."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sales.models import Currency
from sales.services import (
    ExchangeError,
    NoRateError,
    convert,
    ensure_currencies,
    rate_for,
)
from tests.factories import CustomerFactory, StaffFactory
from tests.sales.helpers import customer_rate

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 13)


@pytest.fixture
def rates(activate, add_rate):
    activate("EUR", "JPY", "KWD")
    add_rate("EUR", "0.92", on=DAY - timedelta(days=1))
    add_rate("EUR", "0.90", on=DAY)
    add_rate("JPY", "150", on=DAY)
    add_rate("KWD", "0.3075", on=DAY)


def test_the_fetched_daily_rate_of_the_day_is_used(rates):
    quote = rate_for(currency="EUR", on=DAY)
    assert (quote.rate, quote.source, quote.date, quote.provider) == (
        Decimal("0.90"),
        "daily",
        DAY,
        "ecb",
    )


def test_without_a_rate_that_day_the_latest_earlier_one_is_used(rates):
    quote = rate_for(currency="EUR", on=DAY + timedelta(days=3))
    assert quote.rate == Decimal("0.90") and quote.date == DAY
    assert not quote.is_stale(DAY + timedelta(days=3))
    assert rate_for(currency="EUR", on=DAY + timedelta(days=4)).is_stale(DAY + timedelta(days=4))
    assert rate_for(currency="EUR", on=DAY - timedelta(days=1)).rate == Decimal("0.92")


def test_a_manual_rate_wins_over_the_fetched_one_for_its_day(rates, add_rate):
    add_rate("EUR", "0.95", on=DAY, source="manual")
    quote = rate_for(currency="EUR", on=DAY)
    assert (quote.rate, quote.source) == (Decimal("0.95"), "manual")


def test_a_newer_fetched_rate_wins_over_an_older_manual_one(rates, add_rate):
    add_rate("EUR", "0.99", on=DAY - timedelta(days=2), source="manual")
    assert rate_for(currency="EUR", on=DAY).source == "daily"
    assert rate_for(currency="EUR", on=DAY - timedelta(days=2)).rate == Decimal("0.99")


def test_a_customer_rate_valid_that_day_wins_over_everything(rates, add_rate):
    add_rate("EUR", "0.95", on=DAY, source="manual")
    customer = CustomerFactory()
    customer_rate(customer, "EUR", "0.88", DAY - timedelta(days=10), DAY, by=StaffFactory())
    quote = rate_for(currency="EUR", on=DAY, customer=customer)
    assert (quote.rate, quote.source) == (Decimal("0.88"), "customer")
    # Outside its range, or for another customer, the manual and daily rates apply again.
    later = rate_for(currency="EUR", on=DAY + timedelta(days=1), customer=customer)
    assert (later.rate, later.source) == (Decimal("0.95"), "manual")
    earlier = rate_for(currency="EUR", on=DAY - timedelta(days=1), customer=customer)
    assert earlier.source == "customer"  # still inside the customer's range
    assert rate_for(currency="EUR", on=DAY, customer=CustomerFactory()).source == "manual"
    assert rate_for(currency="EUR", on=DAY).source == "manual"


def test_an_open_ended_customer_rate_applies_to_every_later_day(rates):
    customer = CustomerFactory()
    customer_rate(customer, "JPY", "140", DAY)
    assert rate_for(currency="JPY", on=DAY + timedelta(days=400), customer=customer).rate == (
        Decimal("140")
    )
    with pytest.raises(NoRateError):  # before its first day there is no JPY rate at all
        rate_for(currency="JPY", on=DAY - timedelta(days=1), customer=customer)


def test_the_base_currency_needs_no_rate(rates):
    quote = rate_for(currency="USD", on=DAY)
    assert (quote.rate, quote.source) == (Decimal(1), "base")


def test_no_rate_is_a_clear_error(rates):
    with pytest.raises(NoRateError, match="no exchange rate for JPY on or before 2026-03-12"):
        rate_for(currency="JPY", on=DAY - timedelta(days=1))
    with pytest.raises(NoRateError):
        convert(amount=Decimal(1), from_currency="GBP", to_currency="USD", on=DAY)


def test_converting_goes_through_the_base_and_rounds_to_the_target_decimals(rates):
    # 100 EUR / 0.90 EUR per USD * 150 JPY per USD = 16,666.67 JPY -> JPY has no decimals
    result = convert(amount=Decimal("100"), from_currency="EUR", to_currency="JPY", on=DAY)
    assert result.amount == Decimal("16667")
    assert result.rate == Decimal("166.6666666667")  # JPY per 1 EUR
    assert result.source == "daily"
    assert [q.currency for q in result.quotes] == ["EUR", "JPY"]

    to_kwd = convert(amount=Decimal("100"), from_currency="USD", to_currency="KWD", on=DAY)
    assert to_kwd.amount == Decimal("30.750") and to_kwd.amount.as_tuple().exponent == -3

    to_usd = convert(amount=Decimal("0.05"), from_currency="EUR", to_currency="USD", on=DAY)
    assert to_usd.amount == Decimal("0.06")  # 0.0555… rounds half up to cents


def test_conversion_uses_the_customers_rate_and_names_the_most_specific_source(rates):
    customer = CustomerFactory()
    customer_rate(customer, "EUR", "0.80", DAY)
    result = convert(
        amount=Decimal("80"), from_currency="EUR", to_currency="USD", on=DAY, customer=customer
    )
    assert result.amount == Decimal("100.00")
    assert result.source == "customer"
    mixed = convert(
        amount=Decimal("80"), from_currency="EUR", to_currency="JPY", on=DAY, customer=customer
    )
    assert mixed.source == "customer" and mixed.amount == Decimal("15000")


def test_same_currency_conversion_only_rounds(rates):
    result = convert(amount=Decimal("10.005"), from_currency="EUR", to_currency="EUR", on=DAY)
    assert result.amount == Decimal("10.01") and result.rate == Decimal(1)


def test_floats_are_refused(rates):
    with pytest.raises(ExchangeError, match="Decimal"):
        convert(amount=10.5, from_currency="EUR", to_currency="USD", on=DAY)


def test_ensure_currencies_loads_the_iso_list_once_and_keeps_the_base_active():
    Currency.objects.all().delete()
    added = ensure_currencies()
    assert added > 140
    assert ensure_currencies() == 0
    usd = Currency.objects.get(code="USD")
    assert usd.is_active and usd.decimals == 2 and usd.name == "US Dollar" and usd.symbol == "$"
    assert Currency.objects.get(code="JPY").decimals == 0
    assert Currency.objects.get(code="KWD").decimals == 3
    assert list(Currency.objects.active()) == [usd]
