"""Exchange-rate providers: one small interface, one class per source.

A provider returns a RateSet: the rates of one day as units of each currency per 1 unit of the
base currency (settings.BASE_CURRENCY), as Decimals. settings.RATE_PROVIDER picks the provider,
by key in PROVIDERS or as the dotted path of any RateProvider subclass.
"""

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from django.conf import settings
from django.utils.module_loading import import_string

from .models import RATE_DECIMAL_PLACES

RATE_QUANTUM = Decimal(1).scaleb(-RATE_DECIMAL_PLACES)
MAX_FEED_BYTES = 1_048_576  # the real feed is ~2 KB; anything huge is not the feed


class ProviderError(Exception):
    """The provider gave no usable rates; the message says why, for staff to read."""


@dataclass(frozen=True)
class RateSet:
    """One day's rates from one source: units of each currency per 1 base unit."""

    source: str
    base: str
    date: date
    rates: dict[str, Decimal] = field(default_factory=dict)


class RateProvider:
    """Fetch one day's rates against settings.BASE_CURRENCY."""

    key = ""
    # False when the rates already live in the database (entered by staff) and need no storing.
    stores_rates = True

    def fetch(self, on: date | None = None) -> RateSet:
        raise NotImplementedError


class ECBProvider(RateProvider):
    """The European Central Bank's daily reference rates (euro-based, published ~16:00 CET).

    The daily feed holds only the latest business day, so `on` is not used: the RateSet carries
    the feed's own date. Cross rates for another base: X per base = X per EUR / base per EUR.
    """

    key = "ecb"
    NS = {"e": "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"}

    def __init__(self, url: str | None = None, timeout: float | None = None):
        self.url = url or settings.ECB_FEED_URL
        self.timeout = timeout if timeout is not None else settings.RATES_FETCH_TIMEOUT

    def fetch(self, on: date | None = None) -> RateSet:
        day, per_euro = self.parse(self.download())
        return RateSet(
            source=self.key,
            base=settings.BASE_CURRENCY,
            date=day,
            rates=cross_rates(per_euro, base=settings.BASE_CURRENCY),
        )

    def download(self) -> bytes:
        if not self.url.startswith(("https://", "http://")):
            raise ProviderError(f"The ECB feed URL must be http(s), not {self.url!r}.")
        request = urllib.request.Request(self.url, headers={"User-Agent": "Lumytic rates"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_FEED_BYTES + 1)
        except urllib.error.HTTPError as error:
            message = f"The ECB feed answered HTTP {error.code} {error.reason}."
            raise ProviderError(message) from None
        except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
            raise ProviderError(self.timeout_message()) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise ProviderError(self.timeout_message()) from None
            raise ProviderError(f"The ECB feed could not be reached: {error.reason}.") from None
        except OSError as error:
            raise ProviderError(f"The ECB feed could not be read: {error}.") from None
        if len(body) > MAX_FEED_BYTES:
            raise ProviderError("The ECB feed is far larger than expected; it was not read.")
        return body

    def timeout_message(self) -> str:
        return f"The ECB feed did not answer within {self.timeout:g} s."

    def parse(self, body: bytes) -> tuple[date, dict[str, Decimal]]:
        """Read the feed's date and its rates (units per 1 EUR)."""
        try:
            # The feed is a small document from a configured URL; expat (>= 2.4.1) refuses
            # entity-expansion bombs and ElementTree never fetches external entities.
            root = ET.fromstring(body)  # noqa: S314
        except ET.ParseError as error:
            raise ProviderError(f"The ECB feed is not valid XML ({error}).") from None
        day_cube = root.find("e:Cube/e:Cube[@time]", self.NS)
        if day_cube is None:
            raise ProviderError("The ECB feed has no dated rates in it.")
        try:
            day = date.fromisoformat(day_cube.get("time", ""))
        except ValueError:
            raise ProviderError(
                f"The ECB feed's date {day_cube.get('time')!r} is not a date."
            ) from None
        rates: dict[str, Decimal] = {}
        for cube in day_cube.findall("e:Cube", self.NS):
            code = (cube.get("currency") or "").strip().upper()
            try:
                rate = Decimal(cube.get("rate") or "")
            except InvalidOperation:
                raise ProviderError(
                    f"The ECB feed's rate for {code or '?'} is not a number."
                ) from None
            if len(code) != 3 or not code.isalpha() or not rate.is_finite() or rate <= 0:
                raise ProviderError(f"The ECB feed has a malformed entry for {code or '?'}.")
            rates[code] = rate
        if not rates:
            raise ProviderError("The ECB feed lists no currencies.")
        return day, rates


def cross_rates(per_anchor: dict[str, Decimal], *, base: str, anchor: str = "EUR") -> dict:
    """Turn rates against `anchor` (units per 1 anchor) into rates against `base`.

    X per base = X per anchor / base per anchor, computed with 28 significant digits and kept to
    RATE_DECIMAL_PLACES. The base currency itself is left out (its rate is 1 by definition).
    """
    per_anchor = {**per_anchor, anchor: Decimal(1)}
    if base not in per_anchor:
        raise ProviderError(f"The feed has no rate for the base currency {base}.")
    base_per_anchor = per_anchor[base]
    with localcontext() as context:
        context.prec = 28
        return {
            code: (rate / base_per_anchor).quantize(RATE_QUANTUM, rounding=ROUND_HALF_EVEN)
            for code, rate in per_anchor.items()
            if code != base
        }


class ManualProvider(RateProvider):
    """Rates typed in by staff: "fetching" reads the day's manual rates back from the database."""

    key = "manual"
    stores_rates = False

    def fetch(self, on: date | None = None) -> RateSet:
        from django.utils import timezone

        from .models import ExchangeRate

        day = on or timezone.localdate()
        rows = ExchangeRate.objects.filter(date=day, source=ExchangeRate.MANUAL)
        return RateSet(
            source=self.key,
            base=settings.BASE_CURRENCY,
            date=day,
            rates=dict(rows.values_list("currency_id", "rate")),
        )


PROVIDERS: dict[str, type[RateProvider]] = {
    ECBProvider.key: ECBProvider,
    ManualProvider.key: ManualProvider,
}


def get_provider(name: str | None = None) -> RateProvider:
    """Build the configured provider: a key of PROVIDERS, or a dotted path to a class."""
    name = (name or settings.RATE_PROVIDER).strip()
    if name in PROVIDERS:
        return PROVIDERS[name]()
    if "." in name:
        provider_class = import_string(name)
        if isinstance(provider_class, type) and issubclass(provider_class, RateProvider):
            return provider_class()
    raise ProviderError(
        f"Unknown rate provider {name!r}: use one of {sorted(PROVIDERS)} or a dotted path to a "
        "RateProvider class."
    )
