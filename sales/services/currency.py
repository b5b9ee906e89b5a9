"""Reading rates and converting money: the one place later documents get an exchange rate.

Rates are units of a currency per 1 unit of the base currency (settings.BASE_CURRENCY). For a
customer and a day the rate is, in order: the customer's own rate valid that day, staff's manual
rate for the latest day on or before it, then the fetched daily rate for that day.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

from babel.numbers import get_currency_name, get_currency_precision, get_currency_symbol
from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.currencies import currency_codes

from ..models import RATE_DECIMAL_PLACES, Currency, CustomerRate, ExchangeRate, plain

RATE_QUANTUM = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)

SOURCE_BASE = "base"  # the base currency: its rate is 1 by definition
SOURCE_CUSTOMER = "customer"
SOURCE_MANUAL = "manual"
SOURCE_DAILY = "daily"
# Most specific first: a conversion is labelled with its most specific leg.
SOURCE_ORDER = (SOURCE_CUSTOMER, SOURCE_MANUAL, SOURCE_DAILY, SOURCE_BASE)

# Within one day a manual rate beats a fetched one.
MANUAL_FIRST = Case(
    When(source=ExchangeRate.MANUAL, then=Value(0)), default=Value(1), output_field=IntegerField()
)
EFFECTIVE_ORDER = ("-date", MANUAL_FIRST.asc(), "-created_at", "-pk")


class ExchangeError(Exception):
    """A conversion or rate change that cannot be done; the message is fit to show staff."""


class NoRateError(ExchangeError, LookupError):
    """No rate exists for the currency on or before the day."""

    def __init__(self, currency: str, on: date):
        self.currency, self.on = currency, on
        super().__init__(
            _("There is no exchange rate for %(currency)s on or before %(date)s.")
            % {"currency": currency, "date": on.isoformat()}
        )


@dataclass(frozen=True)
class RateQuote:
    """The rate used for one currency on one day, and where it came from."""

    currency: str
    rate: Decimal  # units of `currency` per 1 base unit
    source: str  # "customer" | "manual" | "daily" | "base"
    date: date  # the day the rate is for (a customer rate: its first valid day)
    provider: str = ""  # the stored source key: "ecb", "manual", …

    def is_stale(self, on: date) -> bool:
        return self.source == SOURCE_DAILY and is_stale(self.date, today=on)

    @property
    def rate_text(self) -> str:
        return plain(self.rate)


@dataclass(frozen=True)
class Conversion:
    """An amount converted between currencies, with the rate and its source."""

    amount: Decimal  # in the target currency, rounded to its decimals
    rate: Decimal  # units of the target currency per 1 unit of the source currency
    source: str
    from_quote: RateQuote
    to_quote: RateQuote
    on: date

    @property
    def rate_text(self) -> str:
        return plain(self.rate)

    @property
    def from_currency(self) -> str:
        return self.from_quote.currency

    @property
    def to_currency(self) -> str:
        return self.to_quote.currency

    @property
    def quotes(self) -> list[RateQuote]:
        """The legs that needed a real rate (the base currency needs none)."""
        return [q for q in (self.from_quote, self.to_quote) if q.source != SOURCE_BASE]


DISPLAY_PLACES = 6  # rates are stored with 10 places; people read 6


def signed(number: Decimal | None, places: int = DISPLAY_PLACES) -> str:
    if number is None:
        return "—"
    return f"{'+' if number > 0 else ''}{plain(number, places)}"


def base_currency() -> str:
    return settings.BASE_CURRENCY


def stale_after() -> timedelta:
    return timedelta(days=settings.RATES_STALE_AFTER_DAYS)


def is_stale(rate_date: date | None, *, today: date | None = None) -> bool:
    """A rate is stale when its day is more than RATES_STALE_AFTER_DAYS before today."""
    if rate_date is None:
        return True
    return rate_date < (today or timezone.localdate()) - stale_after()


def _code(currency: "Currency | str") -> str:
    code = currency.code if isinstance(currency, Currency) else str(currency or "")
    return code.strip().upper()


def rate_for(*, currency: "Currency | str", on: date, customer=None) -> RateQuote:
    """Return the rate for a currency on a day: customer rate > manual > fetched daily."""
    code = _code(currency)
    if code == base_currency():
        return RateQuote(currency=code, rate=Decimal(1), source=SOURCE_BASE, date=on)
    if customer is not None:
        agreed = (
            CustomerRate.objects.filter(customer=customer, currency_id=code, valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            .order_by("-valid_from", "-pk")
            .first()
        )
        if agreed is not None:
            return RateQuote(
                currency=code,
                rate=agreed.rate,
                source=SOURCE_CUSTOMER,
                date=agreed.valid_from,
                provider=SOURCE_CUSTOMER,
            )
    row = (
        ExchangeRate.objects.filter(currency_id=code, date__lte=on)
        .order_by(*EFFECTIVE_ORDER)
        .values("rate", "date", "source")
        .first()
    )
    if row is None:
        raise NoRateError(code, on)
    return RateQuote(
        currency=code,
        rate=row["rate"],
        source=SOURCE_MANUAL if row["source"] == ExchangeRate.MANUAL else SOURCE_DAILY,
        date=row["date"],
        provider=row["source"],
    )


def currency_decimals(code: str) -> int:
    """The number of minor-unit digits of a currency (ours, else CLDR's)."""
    decimals = Currency.objects.filter(code=code).values_list("decimals", flat=True).first()
    return decimals if decimals is not None else get_currency_precision(code)


def quantise(amount: Decimal, decimals: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def convert(
    *,
    amount: Decimal,
    from_currency: "Currency | str",
    to_currency: "Currency | str",
    on: date,
    customer=None,
) -> Conversion:
    """Convert an amount on a day, rounded to the target currency's decimals."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        amount = Decimal(amount)  # exact, unlike a float
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ExchangeError(_("The amount must be a finite Decimal number, never a float."))
    source_code, target_code = _code(from_currency), _code(to_currency)
    if source_code == target_code:
        same = RateQuote(currency=source_code, rate=Decimal(1), source=SOURCE_BASE, date=on)
        return Conversion(
            amount=quantise(amount, currency_decimals(target_code)),
            rate=Decimal(1),
            source=SOURCE_BASE,
            from_quote=same,
            to_quote=same,
            on=on,
        )
    from_quote = rate_for(currency=source_code, on=on, customer=customer)
    to_quote = rate_for(currency=target_code, on=on, customer=customer)
    with localcontext() as context:
        context.prec = 34  # enough for any stored rate; rounding happens once, at the end
        # amount [from] / (from per base) * (to per base) = amount [to]
        converted = amount * to_quote.rate / from_quote.rate
        rate = (to_quote.rate / from_quote.rate).quantize(RATE_QUANTUM, rounding=ROUND_HALF_EVEN)
        amount_out = quantise(converted, currency_decimals(target_code))
    sources = {from_quote.source, to_quote.source}
    return Conversion(
        amount=amount_out,
        rate=rate,
        source=next(source for source in SOURCE_ORDER if source in sources),
        from_quote=from_quote,
        to_quote=to_quote,
        on=on,
    )


# --- Reads for the exchange page and the digest --------------------------------------------------


@dataclass(frozen=True)
class LatestRate:
    """An active currency's latest rate on or before a day, with its change from the one before."""

    code: str
    name: str
    symbol: str
    decimals: int
    rate: Decimal | None
    date: date | None
    source: str  # stored key ("ecb", "manual", …); empty when there is no rate
    previous_rate: Decimal | None
    previous_date: date | None
    stale: bool

    @property
    def change(self) -> Decimal | None:
        if self.rate is None or self.previous_rate is None:
            return None
        return self.rate - self.previous_rate

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.previous_rate:
            return None
        with localcontext() as context:
            context.prec = 28
            return (self.change * 100 / self.previous_rate).quantize(Decimal("0.01"))

    @property
    def is_manual(self) -> bool:
        return self.source == ExchangeRate.MANUAL

    @property
    def rate_text(self) -> str:
        return plain(self.rate, DISPLAY_PLACES)

    @property
    def change_text(self) -> str:
        return signed(self.change)

    @property
    def change_percent_text(self) -> str:
        percent = self.change_percent
        return "—" if percent is None else f"{'+' if percent > 0 else ''}{percent:f}%"


def active_currencies() -> list[Currency]:
    """Active currencies, the base one first (one query)."""
    base = base_currency()
    return sorted(Currency.objects.active(), key=lambda c: (c.code != base, c.code))


def latest_rates(*, on: date | None = None) -> list[LatestRate]:
    """Each active currency but the base: its latest rate on or before `on`, in one query."""
    on = on or timezone.localdate()
    effective = ExchangeRate.objects.filter(currency=OuterRef("pk"), date__lte=on).order_by(
        *EFFECTIVE_ORDER
    )
    previous = ExchangeRate.objects.filter(
        currency=OuterRef("pk"), date__lt=OuterRef("rate_date")
    ).order_by(*EFFECTIVE_ORDER)
    rows = (
        Currency.objects.active()
        .exclude(code=base_currency())
        .annotate(
            rate_date=Subquery(effective.values("date")[:1]),
            rate_value=Subquery(effective.values("rate")[:1]),
            rate_source=Subquery(effective.values("source")[:1]),
        )
        .annotate(
            previous_date=Subquery(previous.values("date")[:1]),
            previous_rate=Subquery(previous.values("rate")[:1]),
        )
        .order_by("code")
    )
    return [
        LatestRate(
            code=row.code,
            name=row.name,
            symbol=row.symbol,
            decimals=row.decimals,
            rate=row.rate_value,
            date=row.rate_date,
            source=row.rate_source or "",
            previous_rate=row.previous_rate,
            previous_date=row.previous_date,
            stale=is_stale(row.rate_date, today=on),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class HistoryPoint:
    date: date
    rate: Decimal
    source: str

    @property
    def rate_text(self) -> str:
        return plain(self.rate, DISPLAY_PLACES)


def rate_history(*, currency: "Currency | str", start: date, end: date) -> list[HistoryPoint]:
    """The effective rate of each day with a rate between start and end (one query)."""
    code = _code(currency)
    points: dict[date, HistoryPoint] = {}
    rows = (
        ExchangeRate.objects.filter(currency_id=code, date__range=(start, end))
        .order_by(*EFFECTIVE_ORDER)
        .values_list("date", "rate", "source")
    )
    for day, rate, source in rows:
        points.setdefault(day, HistoryPoint(date=day, rate=rate, source=source))  # first wins
    return sorted(points.values(), key=lambda point: point.date)


# --- The currency list ----------------------------------------------------------------------------


def iso_currencies() -> list[dict]:
    """The ISO 4217 currencies in use today (CLDR data via Babel), as Currency fields."""
    return [
        {
            "code": code,
            "name": get_currency_name(code, locale="en"),
            "symbol": get_currency_symbol(code, locale="en"),
            "decimals": get_currency_precision(code),
        }
        for code in sorted(currency_codes())
    ]


@transaction.atomic
def ensure_currencies() -> int:
    """Add the ISO currencies that are missing and switch the base currency on; return # added."""
    existing = set(Currency.objects.values_list("code", flat=True))
    missing = [Currency(**row) for row in iso_currencies() if row["code"] not in existing]
    Currency.objects.bulk_create(missing, ignore_conflicts=True)
    base = base_currency()
    if not Currency.objects.filter(code=base).exists():
        Currency.objects.create(
            code=base,
            name=get_currency_name(base, locale="en"),
            symbol=get_currency_symbol(base, locale="en"),
            decimals=get_currency_precision(base),
        )
    Currency.objects.filter(code=base).update(is_active=True)
    return len(missing)
