"""The daily update: rates and a digest on success; the alert and stale flags on failure."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import OutboundEmail
from sales.models import ExchangeRate, RateUpdate
from sales.providers import RateProvider
from sales.services import enter_manual_rate, latest_rates, run_rate_update
from sales.services.currency import ExchangeError
from sales.services.rates import request_rate_update
from sales.tasks import update_exchange_rates
from tests.factories import PortalUserFactory, StaffFactory
from tests.sales.conftest import FEED_DATE, days_ago

pytestmark = pytest.mark.django_db


def run(capture) -> RateUpdate:
    with capture(execute=True):
        return run_rate_update()


def test_a_successful_update_stores_the_days_cross_rates_and_logs_it(
    ecb, activate, django_capture_on_commit_callbacks
):
    activate("EUR", "JPY")
    update = run(django_capture_on_commit_callbacks)

    assert update.status == RateUpdate.Status.OK
    assert update.provider == "ecb"
    assert update.rates_date == FEED_DATE
    assert update.rate_count == 29
    assert update.finished_at is not None and update.error == ""
    jpy = ExchangeRate.objects.get(currency="JPY", date=FEED_DATE)
    assert jpy.rate == Decimal("148.1518940787") and jpy.source == "ecb"
    assert not ExchangeRate.objects.filter(currency="USD").exists()  # the base is 1


def test_running_twice_a_day_updates_rather_than_duplicates(
    ecb, activate, django_capture_on_commit_callbacks
):
    activate("EUR")
    run(django_capture_on_commit_callbacks)
    ExchangeRate.objects.filter(currency="EUR").update(rate=Decimal("2"))
    run(django_capture_on_commit_callbacks)
    assert ExchangeRate.objects.filter(currency="EUR").count() == 1
    assert ExchangeRate.objects.get(currency="EUR").rate == Decimal("0.9194556822")


def test_the_digest_goes_to_active_sales_notification_staff_only(
    ecb, activate, add_rate, notified_staff, mailoutbox, django_capture_on_commit_callbacks
):
    activate("EUR", "JPY")
    add_rate("EUR", "0.92", on=FEED_DATE - timedelta(days=1))
    add_rate("JPY", "148.00", on=FEED_DATE - timedelta(days=1))
    StaffFactory(email="quiet@lumytic.test", sales_notifications=False)
    StaffFactory(email="gone@lumytic.test", sales_notifications=True, is_active=False)
    PortalUserFactory(email="agent@customer.example", sales_notifications=True)

    run(django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mailoutbox) == ["lina@lumytic.test", "samir@lumytic.test"]
    message = mailoutbox[0]
    assert message.from_email.startswith("LUMYTIC | Sales")
    assert message.subject == "Exchange rates for March 13, 2026"
    text = message.body
    assert "Euro (EUR): 0.919456 (-0.000544, -0.06%)" in text
    assert "Japanese Yen (JPY): 148.151894 (+0.151894, +0.10%)" in text
    assert "Currency Exchange Details Request: https://lumytic.test/office/exchange/" in text
    html = message.alternatives[0][0]
    assert "Currency Exchange Details Request" in html
    assert 'href="https://lumytic.test/office/exchange/"' in html
    assert "Japanese Yen" in html and "148.151894" in html and "+0.151894, +0.10%" in html


def test_the_digest_is_sent_once_per_rates_date(
    ecb, activate, notified_staff, django_capture_on_commit_callbacks
):
    activate("EUR")
    run(django_capture_on_commit_callbacks)
    second = run(django_capture_on_commit_callbacks)
    assert second.status == RateUpdate.Status.OK
    assert not second.digest_sent
    assert OutboundEmail.objects.filter(event="currency_rates").count() == 2  # two people, once


@pytest.mark.parametrize("path", ["/malformed.xml", "/error.xml", "/slow.xml"])
def test_a_failed_fetch_keeps_the_last_rates_and_alerts_sales(
    ecb,
    settings,
    activate,
    add_rate,
    notified_staff,
    mailoutbox,
    path,
    django_capture_on_commit_callbacks,
):
    settings.RATES_FETCH_TIMEOUT = 0.3
    activate("EUR", "JPY")
    add_rate("EUR", "0.92", on=days_ago(5))
    add_rate("JPY", "150", on=days_ago(1))
    ecb(path)

    update = run(django_capture_on_commit_callbacks)

    assert update.status == RateUpdate.Status.FAILED
    assert update.error and update.finished_at
    assert ExchangeRate.objects.count() == 2  # nothing removed, nothing half-written
    rows = {row.code: row for row in latest_rates()}
    assert rows["EUR"].rate == Decimal("0.92") and rows["EUR"].stale
    assert rows["JPY"].rate == Decimal("150") and not rows["JPY"].stale
    # Sales-notification staff hear about it, with a button to the exchange page.
    assert sorted(m.to[0] for m in mailoutbox) == ["lina@lumytic.test", "samir@lumytic.test"]
    alert = mailoutbox[0]
    assert alert.from_email.startswith("LUMYTIC | Sales")
    assert alert.subject.startswith("Exchange rates update failed on ")
    assert update.error in alert.body
    assert "Stale currencies: EUR" in alert.body
    assert "Open Currency Exchange: https://lumytic.test/office/exchange/" in alert.body
    assert not OutboundEmail.objects.filter(event="currency_rates").exists()


def test_the_timeout_is_reported_in_the_update_log(
    ecb, settings, activate, django_capture_on_commit_callbacks
):
    settings.RATES_FETCH_TIMEOUT = 0.3
    activate("EUR")
    ecb("/slow.xml")
    update = run(django_capture_on_commit_callbacks)
    assert update.error == "The ECB feed did not answer within 0.3 s."


def test_a_feed_that_stopped_moving_is_a_failure_though_its_rates_are_kept(
    ecb, today, activate, notified_staff, mailoutbox, django_capture_on_commit_callbacks
):
    activate("EUR")
    today(FEED_DATE + timedelta(days=4))
    update = run(django_capture_on_commit_callbacks)
    assert update.status == RateUpdate.Status.FAILED
    assert update.error == "The newest rates from ecb are for 2026-03-13, older than 3 days."
    assert ExchangeRate.objects.filter(date=FEED_DATE).count() == 29
    assert {row.code: row for row in latest_rates()}["EUR"].stale
    assert len(mailoutbox) == 2 and "Stale currencies: EUR" in mailoutbox[0].body


def test_a_currency_missing_from_the_feed_fails_the_update_but_keeps_the_others(
    ecb, activate, add_rate, notified_staff, mailoutbox, django_capture_on_commit_callbacks
):
    activate("EUR", "JPY", "AED")
    add_rate("JPY", "150", on=days_ago(10))
    ecb("/no-jpy.xml")

    update = run(django_capture_on_commit_callbacks)

    assert update.status == RateUpdate.Status.FAILED
    assert "No rate for AED, JPY from ecb" in update.error
    assert ExchangeRate.objects.get(currency="EUR", date=FEED_DATE).rate == Decimal("0.9194556822")
    assert ExchangeRate.objects.get(currency="JPY").rate == Decimal("150")  # kept
    assert {m.to[0] for m in mailoutbox} == {"lina@lumytic.test", "samir@lumytic.test"}
    assert "AED, JPY" in mailoutbox[0].body


def test_a_manual_rate_for_the_day_covers_a_currency_the_feed_lacks(
    ecb, activate, django_capture_on_commit_callbacks
):
    (aed,) = activate("AED")
    activate("EUR")
    ExchangeRate.objects.create(currency=aed, date=FEED_DATE, rate="3.6725", source="manual")
    update = run(django_capture_on_commit_callbacks)
    assert update.status == RateUpdate.Status.OK


def test_a_crash_inside_a_provider_is_recorded_not_raised(
    activate, settings, django_capture_on_commit_callbacks
):
    activate("EUR")
    settings.RATE_PROVIDER = "tests.sales.test_rates.BrokenProvider"
    update = run(django_capture_on_commit_callbacks)
    assert update.status == RateUpdate.Status.FAILED
    assert update.error == "Unexpected error: ZeroDivisionError: boom"


class BrokenProvider(RateProvider):
    key = "broken"

    def fetch(self, on=None):
        raise ZeroDivisionError("boom")


def test_the_manual_provider_checks_todays_manual_rates(
    activate, settings, notified_staff, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RATE_PROVIDER = "manual"
    (eur,) = activate("EUR")
    failed = run(django_capture_on_commit_callbacks)
    assert failed.status == RateUpdate.Status.FAILED and "EUR" in failed.error

    enter_manual_rate(currency=eur, on=timezone.localdate(), rate=Decimal("0.91"), by=None)
    update = run(django_capture_on_commit_callbacks)
    assert update.status == RateUpdate.Status.OK
    assert ExchangeRate.objects.filter(currency=eur).count() == 1
    assert any(m.subject.startswith("Exchange rates for") for m in mailoutbox)


def test_the_task_runs_the_update(ecb, activate, django_capture_on_commit_callbacks):
    activate("EUR")
    with django_capture_on_commit_callbacks(execute=True):
        update_exchange_rates.delay()
    assert RateUpdate.objects.get().status == RateUpdate.Status.OK


def test_update_now_runs_the_task_after_commit_and_refuses_a_second_one_meanwhile(
    ecb, activate, django_capture_on_commit_callbacks
):
    activate("EUR")
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update = request_rate_update(by=staff)
    assert update.status == RateUpdate.Status.RUNNING and update.requested_by == staff
    with pytest.raises(ExchangeError, match="already running"):
        request_rate_update(by=staff)

    for callback in callbacks:
        callback()
    update.refresh_from_db()
    assert update.status == RateUpdate.Status.OK
    # A repeated delivery of the same task leaves the finished update alone.
    update_exchange_rates(update.pk)
    assert RateUpdate.objects.count() == 1


def test_manual_rates_are_for_today_or_earlier_and_never_the_base(activate):
    usd, eur = sorted(activate("USD", "EUR"), key=lambda c: c.code != "USD")
    today = timezone.localdate()
    with pytest.raises(ExchangeError, match="always 1"):
        enter_manual_rate(currency=usd, on=today, rate=Decimal("1"), by=None)
    with pytest.raises(ExchangeError, match="today or earlier"):
        enter_manual_rate(currency=eur, on=today + timedelta(days=1), rate=Decimal("1"), by=None)
    with pytest.raises(ExchangeError, match="more than zero"):
        enter_manual_rate(currency=eur, on=today, rate=Decimal("0"), by=None)
    first = enter_manual_rate(currency=eur, on=today, rate=Decimal("0.9"), by=None)
    again = enter_manual_rate(currency=eur, on=today, rate=Decimal("0.95"), by=None)
    assert first.pk == again.pk and again.rate == Decimal("0.95")


def test_stale_means_older_than_the_configured_days(activate, add_rate, settings):
    activate("EUR", "JPY", "GBP")
    add_rate("EUR", "0.9", on=days_ago(3))
    add_rate("JPY", "150", on=days_ago(4))
    rows = {row.code: row for row in latest_rates()}
    assert not rows["EUR"].stale
    assert rows["JPY"].stale
    assert rows["GBP"].stale and rows["GBP"].rate is None  # never had a rate
    settings.RATES_STALE_AFTER_DAYS = 10
    assert not {row.code: row for row in latest_rates()}["JPY"].stale


def test_an_update_the_broker_refuses_is_marked_failed(
    activate, monkeypatch, django_capture_on_commit_callbacks
):
    activate("EUR")

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(update_exchange_rates, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        update = request_rate_update(by=StaffFactory())
    update.refresh_from_db()
    assert update.status == RateUpdate.Status.FAILED
    assert update.error == "The update could not be queued: ConnectionError: broker down"
