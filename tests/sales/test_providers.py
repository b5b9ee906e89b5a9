"""Rate providers: the ECB feed read from a local HTTP server, cross rates, the registry."""

import time
from decimal import Decimal

import pytest

from sales.providers import (
    PROVIDERS,
    ECBProvider,
    ManualProvider,
    ProviderError,
    RateProvider,
    RateSet,
    cross_rates,
    get_provider,
)
from tests.sales.conftest import FEED_DATE


def test_the_ecb_feed_is_parsed_with_its_date_and_every_currency(ecb, settings):
    settings.BASE_CURRENCY = "EUR"
    rate_set = ECBProvider().fetch()

    assert rate_set.source == "ecb"
    assert rate_set.base == "EUR"
    assert rate_set.date == FEED_DATE
    assert len(rate_set.rates) == 29
    # With the euro as base the feed's figures are kept exactly.
    assert rate_set.rates["USD"] == Decimal("1.0876")
    assert rate_set.rates["JPY"] == Decimal("161.13")
    assert "EUR" not in rate_set.rates


def test_cross_rates_for_a_usd_base_divide_by_the_dollar_rate(ecb):
    rates = ECBProvider().fetch().rates

    # JPY per USD = JPY per EUR / USD per EUR = 161.13 / 1.0876
    assert rates["JPY"] == Decimal("148.1518940787")
    # The euro itself: 1 / 1.0876 EUR per USD.
    assert rates["EUR"] == Decimal("0.9194556822")
    assert rates["GBP"] == Decimal("0.7724163295")
    assert rates["IDR"] == Decimal("16427.6848105921")
    assert "USD" not in rates
    assert len(rates) == 29  # 28 others and the euro


def test_rates_are_decimals_with_ten_places_never_floats(ecb):
    rates = ECBProvider().fetch().rates
    for rate in rates.values():
        assert isinstance(rate, Decimal)
        assert rate.as_tuple().exponent == -10


def test_cross_rates_keep_28_significant_digits_before_rounding():
    rates = cross_rates({"USD": Decimal("3"), "JPY": Decimal("1")}, base="USD")
    assert rates["JPY"] == Decimal("0.3333333333")
    assert rates["EUR"] == Decimal("0.3333333333")


def test_a_base_currency_the_feed_does_not_publish_is_an_error(ecb, settings):
    settings.BASE_CURRENCY = "AED"
    with pytest.raises(ProviderError, match="no rate for the base currency AED"):
        ECBProvider().fetch()


def test_a_feed_without_the_base_currency_is_an_error(ecb):
    ecb("/no-usd.xml")
    with pytest.raises(ProviderError, match="base currency USD"):
        ECBProvider().fetch()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/malformed.xml", "not valid XML"),
        ("/not-the-feed.xml", "no dated rates"),
        ("/bad-rate.xml", "rate for JPY is not a number"),
        ("/error.xml", "HTTP 503"),
        ("/missing.xml", "HTTP 404"),
    ],
)
def test_broken_feeds_raise_a_provider_error_that_says_why(ecb, path, message):
    ecb(path)
    with pytest.raises(ProviderError, match=message):
        ECBProvider().fetch()


def test_a_feed_that_never_answers_times_out(ecb, settings):
    ecb("/slow.xml")
    settings.RATES_FETCH_TIMEOUT = 0.3
    started = time.monotonic()
    with pytest.raises(ProviderError, match=r"did not answer within 0\.3 s"):
        ECBProvider().fetch()
    assert time.monotonic() - started < 1.5


def test_a_refused_connection_is_a_provider_error(settings):
    settings.ECB_FEED_URL = "http://127.0.0.1:9/eurofxref-daily.xml"
    with pytest.raises(ProviderError, match="could not be reached"):
        ECBProvider().fetch()


def test_only_http_urls_are_fetched(settings):
    settings.ECB_FEED_URL = "file:///etc/passwd"
    with pytest.raises(ProviderError, match="must be http"):
        ECBProvider().fetch()


@pytest.mark.django_db
def test_the_manual_provider_reads_the_days_manual_rates(add_rate):
    add_rate("EUR", "0.93", on=FEED_DATE, source="manual")
    add_rate("JPY", "150", on=FEED_DATE, source="ecb")
    rate_set = ManualProvider().fetch(on=FEED_DATE)
    assert rate_set.rates == {"EUR": Decimal("0.93")}
    assert rate_set.source == "manual"
    assert not ManualProvider.stores_rates


class FixedProvider(RateProvider):
    key = "fixed"

    def fetch(self, on=None):
        return RateSet(source="fixed", base="USD", date=FEED_DATE, rates={"EUR": Decimal("0.9")})


def test_providers_are_chosen_by_key_or_dotted_path(settings):
    settings.RATE_PROVIDER = "ecb"
    assert isinstance(get_provider(), ECBProvider)
    assert isinstance(get_provider("manual"), ManualProvider)
    assert isinstance(get_provider("tests.sales.test_providers.FixedProvider"), FixedProvider)
    assert set(PROVIDERS) == {"ecb", "manual"}


def test_an_unknown_provider_is_a_clear_error():
    with pytest.raises(ProviderError, match="Unknown rate provider 'bank'"):
        get_provider("bank")
    with pytest.raises(ProviderError, match="Unknown rate provider"):
        get_provider("decimal.Decimal")
