"""`{{ amount|money:"EUR" }}`: an amount in a currency, formatted for the active language.

Babel's `format_currency` looks up the locale, its pattern and its symbols on every call; a
statement formats hundreds of amounts per page. So the pieces of each (locale, currency) are
looked up once per process (`format_pieces`), and an amount is then put together with Python's own
formatting. The output is Babel's, character for character (tests/lumytic/test_money.py); a
pattern this shortcut does not cover (other grouping, scientific, quoted text) goes to Babel.
"""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@lru_cache(maxsize=512)
def format_pieces(locale_name: str, currency: str) -> tuple | None:
    """(quantum, separators, (prefix, suffix) for + and for -), or None to ask Babel."""
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"]
    affixes = (*pattern.prefix, *pattern.suffix)
    if (
        pattern.exp_prec
        or "@" in pattern.pattern
        or pattern.scale
        or not pattern.number_pattern
        or pattern.grouping != (3, 3)
        or pattern.int_prec[0] != 1
        or any("'" in affix or "¤¤" in affix for affix in affixes)
    ):
        return None
    symbol = get_currency_symbol(currency, locale)
    group = get_group_symbol(locale, numbering_system="latn")
    decimal = get_decimal_symbol(locale, numbering_system="latn")
    if "'" in symbol + group + decimal:
        return None  # Babel strips quoted text from the result; leave that to Babel
    prefix, suffix = (
        tuple(affix.replace("¤", symbol) for affix in pair)
        for pair in (pattern.prefix, pattern.suffix)
    )
    separators = str.maketrans({",": group, ".": decimal})
    quantum = Decimal(1).scaleb(-get_currency_precision(currency))
    return quantum, separators, ((prefix[0], suffix[0]), (prefix[1], suffix[1]))


def format_money(value: Decimal, currency: str, locale_name: str) -> str:
    pieces = format_pieces(locale_name, currency)
    if pieces is None or not value.is_finite():
        return format_currency(value, currency, locale=locale_name)
    quantum, separators, affixes = pieces
    prefix, suffix = affixes[int(value.is_signed())]
    number = f"{abs(value).quantize(quantum):,f}".translate(separators)
    return f"{prefix}{number}{suffix}"


@register.filter
def money(amount, currency: str) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return format_money(value, currency, to_locale(get_language() or "en"))
