"""ISO 4217 currencies in use today, from Babel's CLDR data (customers never import sales)."""

from datetime import date
from functools import lru_cache

from babel.numbers import get_currency_name, get_territory_currencies
from django_countries import countries


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    today = date.today()
    codes: set[str] = set()
    for code in countries:
        codes.update(get_territory_currencies(code.code, start_date=today, tender=True))
    return frozenset(codes)


def currency_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, f"{code} · {get_currency_name(code, locale='en')}") for code in currency_codes()),
        key=lambda item: item[0],
    )
