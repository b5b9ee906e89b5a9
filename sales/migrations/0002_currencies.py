"""Load the ISO 4217 currencies in use (CLDR data via Babel) and switch the base currency on."""

from django.conf import settings
from django.db import migrations


def load_currencies(apps, schema_editor):
    from babel.numbers import get_currency_name, get_currency_precision, get_currency_symbol

    from customers.currencies import currency_codes

    Currency = apps.get_model("sales", "Currency")
    base = settings.BASE_CURRENCY
    existing = set(Currency.objects.values_list("code", flat=True))
    Currency.objects.bulk_create(
        Currency(
            code=code,
            name=get_currency_name(code, locale="en"),
            symbol=get_currency_symbol(code, locale="en"),
            decimals=get_currency_precision(code),
            is_active=code == base,
        )
        for code in sorted(currency_codes() | {base})
        if code not in existing
    )
    Currency.objects.filter(code=base).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_squashed_0012_payment_excess_credit")]

    operations = [migrations.RunPython(load_currencies, migrations.RunPython.noop)]
