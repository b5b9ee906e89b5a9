"""`{{ amount|money:"EUR" }}`: an amount in a currency, formatted for the active language."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return format_currency(value, currency, locale=to_locale(get_language() or "en"))
