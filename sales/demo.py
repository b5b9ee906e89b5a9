"""Demo exchange rates: a handful of active currencies and about a month of believable rates."""

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Currency, ExchangeRate, RateUpdate
from .providers import cross_rates
from .services.currency import ensure_currencies

# Units per 1 USD around early 2026; the walk below moves them a little each business day.
USD_RATES = {
    "EUR": Decimal("0.9210"),
    "GBP": Decimal("0.7890"),
    "JPY": Decimal("151.20"),
    "CHF": Decimal("0.8830"),
    "CNY": Decimal("7.2300"),
    "INR": Decimal("83.150"),
    "AED": Decimal("3.6725"),  # pegged: entered by hand, as the ECB does not publish it
}
MANUAL = {"AED"}
DEMO_SOURCE = "ecb"


@transaction.atomic
def load_demo_rates(*, days: int = 30) -> int:
    """Activate the demo currencies and fill `days` of rates (idempotent); return rows added."""
    ensure_currencies()
    base = settings.BASE_CURRENCY
    Currency.objects.filter(code__in=[*USD_RATES, base]).update(is_active=True)
    rng = random.Random(2026)
    today = timezone.localdate()
    walk = dict(USD_RATES)
    rows = []
    for offset in range(days, -1, -1):
        day = today - timedelta(days=offset)
        if day.weekday() >= 5:
            continue  # central banks publish on business days only
        for code in walk:
            if code not in MANUAL:
                step = Decimal(str(round(rng.uniform(-0.004, 0.004), 5)))
                walk[code] = walk[code] * (1 + step)
        per_base = cross_rates(walk, base=base, anchor="USD")
        for code, rate in per_base.items():
            source = ExchangeRate.MANUAL if code in MANUAL else DEMO_SOURCE
            rows.append(ExchangeRate(currency_id=code, date=day, rate=rate, source=source))
    before = ExchangeRate.objects.count()
    ExchangeRate.objects.bulk_create(rows, ignore_conflicts=True)
    if not RateUpdate.objects.exists():
        RateUpdate.objects.create(
            provider=DEMO_SOURCE,
            status=RateUpdate.Status.OK,
            finished_at=timezone.now(),
            rates_date=max((row.date for row in rows), default=today),
            rate_count=len(USD_RATES) - len(MANUAL),
        )
    return ExchangeRate.objects.count() - before
