"""The money filter's shortcut gives Babel's output, character for character."""

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from django.template import Context, Template
from django.utils import translation

from lumytic.core.templatetags.money import format_money, format_pieces

LOCALES = ["en", "ar", "ar_EG", "de", "de_CH", "fr", "en_IN", "hi", "fa", "ja", "tr"]
CURRENCIES = ["USD", "EUR", "JOD", "KWD", "JPY", "AED", "EGP", "INR", "CHF"]
EDGES = ["0", "-0", "-0.001", "0.005", "0.015", "1234567.125", "-98765.4321", "1E+3", "999.9999"]


def amounts() -> list[Decimal]:
    rng = random.Random(14)
    spread = [Decimal(rng.randint(-(10**12), 10**12)).scaleb(-rng.randint(0, 4)) for _ in range(60)]
    return [Decimal(edge) for edge in EDGES] + spread


@pytest.mark.parametrize("locale", LOCALES)
def test_money_is_formatted_exactly_as_babel_formats_it(locale):
    for currency in CURRENCIES:
        for amount in amounts():
            expected = format_currency(amount, currency, locale=locale)
            assert format_money(amount, currency, locale) == expected, (currency, amount)


def test_the_common_locales_take_the_shortcut_and_quoted_separators_go_to_babel():
    assert format_pieces("en", "USD") is not None and format_pieces("ar", "AED") is not None
    assert format_pieces("de_CH", "CHF") is None  # its group separator is an apostrophe


def test_the_filter_formats_for_the_active_language():
    template = Template('{% load money %}{{ amount|money:"USD" }}|{{ blank|money:"USD" }}')
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("-1234.5"), "blank": ""})) == (
            "-$1,234.50|"
        )
