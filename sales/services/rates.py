"""Writes for exchange rates: the daily update, manual rates, the digest and the failure alert."""

import logging
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumytic.accounts import roles
from lumytic.accounts.audience import staff_audience
from lumytic.core.access import require_perm
from notifications.services import notify

from ..models import Currency, ExchangeRate, RateUpdate
from ..providers import ProviderError, RateProvider, RateSet, get_provider
from .currency import ExchangeError, LatestRate, base_currency, is_stale, latest_rates

logger = logging.getLogger(__name__)

# A "running" update older than this is taken as dead (its worker died), so a new one may start.
RUNNING_GRACE = timedelta(minutes=10)
MAX_ERROR_LENGTH = 2000


# --- The update ----------------------------------------------------------------------------------


def request_rate_update(*, by) -> RateUpdate:
    """Record an update asked for by staff and run it in the background after commit."""
    require_perm(by, roles.CHANGE_RATES)
    with transaction.atomic():
        # The lock on the base currency serialises two clicks on "Update now".
        Currency.objects.select_for_update().filter(code=base_currency()).first()
        running = RateUpdate.objects.filter(
            status=RateUpdate.Status.RUNNING, started_at__gte=timezone.now() - RUNNING_GRACE
        ).exists()
        if running:
            raise ExchangeError(_("An update is already running; its result will show here."))
        update = RateUpdate.objects.create(provider=settings.RATE_PROVIDER, requested_by=by)
        transaction.on_commit(partial(_enqueue_update, update.pk))
    return update


def _enqueue_update(update_id: int) -> None:
    """Hand the update to a worker; if the broker refuses it, say so on the update."""
    from ..tasks import update_exchange_rates

    try:
        update_exchange_rates.delay(update_id)
    except Exception as error:
        logger.exception("Could not queue exchange-rate update %s.", update_id)
        RateUpdate.objects.filter(pk=update_id, status=RateUpdate.Status.RUNNING).update(
            status=RateUpdate.Status.FAILED,
            finished_at=timezone.now(),
            error=f"The update could not be queued: {type(error).__name__}: {error}"[
                :MAX_ERROR_LENGTH
            ],
        )


def run_rate_update(
    *, update_id: int | None = None, provider: RateProvider | None = None
) -> RateUpdate | None:
    """Fetch the day's rates, store them, then send the digest, or record and report a failure.

    A failure never removes rates: the last ones stay in use (flagged stale once they are
    older than RATES_STALE_AFTER_DAYS) and staff can enter a manual rate meanwhile.
    """
    if update_id is not None:
        update = RateUpdate.objects.filter(pk=update_id).first()
        if update is None or update.status != RateUpdate.Status.RUNNING:
            return update  # a repeated task for a finished update does nothing
    else:
        update = RateUpdate.objects.create(provider=settings.RATE_PROVIDER)
    # The network call happens outside any transaction, so no row stays locked while we wait.
    try:
        provider = provider or get_provider()
        if update.provider != _provider_name(provider):
            update.provider = _provider_name(provider)
            update.save(update_fields=["provider"])
        rate_set = provider.fetch(on=timezone.localdate())
        if rate_set.base != base_currency():
            raise ProviderError(
                f"The provider gave rates against {rate_set.base}, not {base_currency()}."
            )
    except ProviderError as error:
        return _fail(update, str(error))
    except Exception as error:
        logger.exception("The exchange-rate update %s crashed.", update.pk)
        return _fail(update, f"Unexpected error: {type(error).__name__}: {error}")
    return _store(update, provider, rate_set)


def _provider_name(provider: RateProvider) -> str:
    return provider.key or f"{type(provider).__module__}.{type(provider).__qualname__}"


@transaction.atomic
def _store(update: RateUpdate, provider: RateProvider, rate_set: RateSet) -> RateUpdate:
    known = set(Currency.objects.filter(code__in=rate_set.rates).values_list("code", flat=True))
    rows = [
        ExchangeRate(currency_id=code, date=rate_set.date, rate=rate, source=rate_set.source)
        for code, rate in sorted(rate_set.rates.items())
        if code in known
    ]
    if provider.stores_rates and rows:
        # Running twice on one day corrects the day's rates rather than duplicating them.
        ExchangeRate.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["currency", "date", "source"],
            update_fields=["rate"],
        )
    update.rate_count = len(rows)
    update.rates_date = rate_set.date
    manual_today = set(
        ExchangeRate.objects.filter(date=rate_set.date, source=ExchangeRate.MANUAL).values_list(
            "currency_id", flat=True
        )
    )
    active = set(Currency.objects.active().values_list("code", flat=True)) - {base_currency()}
    missing = sorted(active - set(rate_set.rates) - manual_today)
    if is_stale(rate_set.date):
        # A feed that stopped moving is a failure too, even though it answered.
        return _fail(
            update,
            _("The newest rates from %(provider)s are for %(date)s, older than %(days)s days.")
            % {
                "provider": update.provider,
                "date": rate_set.date.isoformat(),
                "days": settings.RATES_STALE_AFTER_DAYS,
            },
        )
    if missing:
        # The rates that did arrive are kept; the missing ones keep their last value.
        return _fail(
            update,
            _("No rate for %(codes)s from %(provider)s; enter them by hand or deactivate them.")
            % {"codes": ", ".join(missing), "provider": update.provider},
        )
    update.status = RateUpdate.Status.OK
    update.finished_at = timezone.now()
    update.save(update_fields=["status", "finished_at", "rate_count", "rates_date"])
    send_rates_digest(update=update)
    return update


@transaction.atomic
def _fail(update: RateUpdate, error: str) -> RateUpdate:
    update.status = RateUpdate.Status.FAILED
    update.error = error[:MAX_ERROR_LENGTH]
    update.finished_at = timezone.now()
    update.save(update_fields=["status", "error", "finished_at", "rate_count", "rates_date"])
    logger.warning("Exchange-rate update %s failed: %s", update.pk, update.error)
    _send_failure_alert(update)
    return update


# --- Emails --------------------------------------------------------------------------------------


def format_change(row: LatestRate) -> str:
    """A signed difference and percentage, e.g. "+0.0041, +0.45%"; empty without a previous."""
    if row.change is None:
        return ""
    return f"{row.change_text}, {row.change_percent_text}"


def digest_rows(rates: list[LatestRate]) -> list[dict]:
    return [
        {
            "name": row.name,
            "code": row.code,
            "rate": row.rate_text,
            "change": format_change(row),
        }
        for row in rates
        if row.rate is not None
    ]


def send_rates_digest(*, update: RateUpdate) -> bool:
    """Email the day's rates to sales-notification users, once per rates date."""
    if update.rates_date is None:
        return False
    try:
        with transaction.atomic():
            update.digest_sent = True
            update.save(update_fields=["digest_sent"])
    except IntegrityError:
        # Another update already sent this day's digest; one is enough.
        update.digest_sent = False
        return False
    rows = digest_rows(latest_rates(on=update.rates_date))
    notify(
        "currency_rates",
        recipients=staff_audience(),  # the sales-notification staff, else admins
        context={"date": date_format(update.rates_date, "DATE_FORMAT"), "rates": rows},
        details=[
            (gettext_lazy("Base currency"), base_currency()),
            (gettext_lazy("Rates"), gettext_lazy("units of each currency per 1 base unit")),
            (gettext_lazy("Source"), update.provider),
        ],
        links={"office": reverse("sales:exchange")},
    )
    return True


def _send_failure_alert(update: RateUpdate) -> None:
    today = timezone.localdate()
    rates = latest_rates(on=today)
    stale = [row.code for row in rates if row.stale]
    newest = max((row.date for row in rates if row.date), default=None)
    notify(
        "currency_rates_failed",
        recipients=staff_audience(),  # the sales-notification staff, else admins
        context={"date": date_format(today, "DATE_FORMAT")},
        details=[
            (gettext_lazy("Provider"), update.provider),
            (gettext_lazy("Error"), update.error),
            (
                gettext_lazy("Latest rates"),
                date_format(newest, "DATE_FORMAT") if newest else gettext_lazy("none yet"),
            ),
            (gettext_lazy("Stale currencies"), ", ".join(stale) or gettext_lazy("none")),
        ],
        links={"office": reverse("sales:exchange")},
    )


# --- Manual rates and the currency list ----------------------------------------------------------


@transaction.atomic
def enter_manual_rate(*, currency: Currency, on: date, rate: Decimal, by) -> ExchangeRate:
    """Set staff's rate for a currency and day; it wins over any fetched rate for that day."""
    require_perm(by, roles.CHANGE_RATES)
    if currency.code == base_currency():
        raise ExchangeError(_("The base currency's rate is always 1."))
    if rate <= 0:
        raise ExchangeError(_("A rate must be more than zero."))
    if on > timezone.localdate():
        raise ExchangeError(_("Rates can be entered for today or earlier days only."))
    entry, _created = ExchangeRate.objects.update_or_create(
        currency=currency,
        date=on,
        source=ExchangeRate.MANUAL,
        defaults={"rate": rate, "entered_by": by},
    )
    return entry


@transaction.atomic
def set_currencies_active(*, codes, active: bool) -> int:
    """Switch currencies on or off; the base currency always stays on."""
    queryset = Currency.objects.filter(code__in=list(codes))
    if not active:
        queryset = queryset.exclude(code=base_currency())
    return queryset.update(is_active=active)


def last_update() -> RateUpdate | None:
    return RateUpdate.objects.select_related("requested_by").order_by("-started_at", "-pk").first()
