"""Writes for customers' own FX rates; each records an entry on the customer's timeline."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_perm

from ..models import Currency, CustomerRate
from .currency import ExchangeError, base_currency


def _range_text(valid_from: date, valid_until: date | None) -> str:
    start = date_format(valid_from, "SHORT_DATE_FORMAT")
    if valid_until is None:
        return _("from %(start)s, open-ended") % {"start": start}
    return f"{start} – {date_format(valid_until, 'SHORT_DATE_FORMAT')}"


def _record(customer_rate: CustomerRate, *, by, verb: str) -> None:
    """The customer's timeline entry for a rate: its currency, rate and date range."""
    record_activity(
        actor=by,
        verb=verb,
        target=customer_rate,
        customer=customer_rate.customer,
        details={
            "currency": customer_rate.currency_id,
            "rate": str(customer_rate.rate),
            "valid": _range_text(customer_rate.valid_from, customer_rate.valid_until),
        },
    )


@transaction.atomic
def add_customer_rate(
    *,
    customer: Customer,
    by,
    currency: Currency,
    rate: Decimal,
    valid_from: date,
    valid_until: date | None = None,
) -> CustomerRate:
    """Agree a rate with a customer for a date range; ranges of one currency never overlap."""
    require_perm(by, roles.CHANGE_RATES)
    # Locking the customer makes two overlapping additions wait for each other.
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if currency.code == base_currency():
        raise ExchangeError(_("The base currency's rate is always 1."))
    if rate <= 0:
        raise ExchangeError(_("A rate must be more than zero."))
    if valid_until is not None and valid_until < valid_from:
        raise ExchangeError(_("“Valid until” cannot be before “valid from”."))
    overlapping = CustomerRate.objects.filter(customer=customer, currency=currency).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    if valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_until)
    clash = overlapping.order_by("valid_from").first()
    if clash is not None:
        raise ExchangeError(
            _("This customer already has a %(currency)s rate for %(range)s; the ranges overlap.")
            % {"currency": currency.code, "range": _range_text(clash.valid_from, clash.valid_until)}
        )
    customer_rate = CustomerRate.objects.create(
        customer=customer,
        currency=currency,
        rate=rate,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=by,
    )
    _record(customer_rate, by=by, verb="FX rate added")
    return customer_rate


@transaction.atomic
def delete_customer_rate(*, customer_rate: CustomerRate, by) -> None:
    """Remove a customer's rate; their documents go back to the daily rate."""
    require_perm(by, roles.CHANGE_RATES)
    _record(customer_rate, by=by, verb="FX rate deleted")
    customer_rate.delete()
