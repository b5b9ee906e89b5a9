"""Demo exchange rates: a handful of active currencies and a month of rates, loaded once."""

import pytest
from django.utils import timezone

from sales.demo import load_demo_rates
from sales.models import Currency, ExchangeRate, RateUpdate
from sales.services import convert, latest_rates

pytestmark = pytest.mark.django_db


def test_demo_rates_fill_a_month_for_the_demo_currencies_and_can_run_twice():
    added = load_demo_rates()
    assert added > 100
    assert load_demo_rates() == 0
    active = set(Currency.objects.active().values_list("code", flat=True))
    assert {"USD", "EUR", "GBP", "JPY", "AED"} <= active
    assert ExchangeRate.objects.values("date").distinct().count() >= 20
    assert ExchangeRate.objects.filter(currency="AED", source="manual").exists()
    assert RateUpdate.objects.filter(status="ok").count() == 1
    rows = latest_rates()
    assert all(row.rate is not None and row.change is not None for row in rows)
    result = convert(amount=100, from_currency="EUR", to_currency="USD", on=timezone.localdate())
    assert result.amount > 100
