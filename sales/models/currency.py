"""Currencies, daily exchange rates, their update runs and customers' own FX rates.

Rate direction, everywhere in Lumytic: a rate is how many units of the currency buy one unit of
the base currency (settings.BASE_CURRENCY). With base USD, EUR 0.92 means 1 USD = 0.92 EUR.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lumytic.core.model_fields import user_link

# Ten places keep every figure the ECB publishes (5-6 significant digits) through a cross rate.
RATE_MAX_DIGITS = 22
RATE_DECIMAL_PLACES = 10
MIN_RATE = Decimal("0.0000000001")


def plain(number: Decimal | None, places: int | None = None) -> str:
    """A Decimal as plain digits without trailing zeros (never "1E+2"); "—" for none."""
    if number is None:
        return "—"
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rate_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        validators=[MinValueValidator(MIN_RATE)],
        help_text=_("Units of this currency per 1 unit of the base currency."),
    )


class CurrencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Currency(models.Model):
    """An ISO 4217 currency; admins switch on the ones the business uses."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    symbol = models.CharField(_("symbol"), max_length=10, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    is_active = models.BooleanField(_("active"), default=False)

    objects = CurrencyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        constraints = [
            models.CheckConstraint(condition=Q(decimals__lte=6), name="sales_currency_decimals"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ExchangeRate(models.Model):
    """One currency's rate against the base currency for one day, from one source."""

    MANUAL = "manual"

    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, related_name="rates"
    )
    date = models.DateField(_("date"))
    rate = rate_field(_("rate"))
    source = models.CharField(
        _("source"), max_length=40, help_text=_("The provider's key, or “manual”.")
    )
    entered_by = user_link(_("entered by"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        permissions = [
            ("change_rates", _("Update exchange rates and set manual and customer rates")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "date", "source"], name="sales_rate_one_per_source_and_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="sales_rate_positive"),
        ]
        indexes = [models.Index(fields=["currency", "-date"], name="sales_rate_latest")]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.rate} ({self.date}, {self.source})"

    @property
    def is_manual(self) -> bool:
        return self.source == self.MANUAL

    @property
    def rate_text(self) -> str:
        return plain(self.rate)


class RateUpdate(models.Model):
    """One run of the daily rates update: what it fetched, or why it failed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("OK")
        FAILED = "failed", _("Failed")

    provider = models.CharField(_("provider"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rates_date = models.DateField(_("rates date"), null=True, blank=True)
    rate_count = models.PositiveIntegerField(_("rates stored"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = user_link(
        _("requested by"), blank=True, help_text=_("Empty for the scheduled daily run.")
    )
    digest_sent = models.BooleanField(_("digest sent"), default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"
        verbose_name = _("rate update")
        verbose_name_plural = _("rate updates")
        constraints = [
            # One digest per rates date, however often the update runs that day.
            models.UniqueConstraint(
                fields=["rates_date"],
                condition=Q(digest_sent=True),
                name="sales_rateupdate_one_digest_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CustomerRate(models.Model):
    """A rate agreed with one customer; it beats the daily rate on that customer's documents."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="fx_rates",
    )
    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, related_name="+"
    )
    rate = rate_field(_("rate"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for no end date.")
    )
    created_by = user_link(_("created by"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("customer FX rate")
        verbose_name_plural = _("customer FX rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="sales_customerrate_range",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="sales_customerrate_positive"),
        ]
        indexes = [
            models.Index(
                fields=["customer", "currency", "valid_from"], name="sales_custrate_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.currency_id} {self.rate} from {self.valid_from}"

    @property
    def rate_text(self) -> str:
        return plain(self.rate)

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
