"""The exchange page: rates, stale warnings, converter, history, CSV, manual rates, Update now."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sales.models import Currency, ExchangeRate, RateUpdate
from sales.services.currency import ensure_currencies
from tests.factories import PortalContactFactory
from tests.sales.conftest import FEED_DATE, days_ago

pytestmark = pytest.mark.django_db

EXCHANGE = reverse("sales:exchange")


@pytest.fixture
def rates(activate, add_rate):
    activate("EUR", "JPY", "GBP")
    add_rate("EUR", "0.92", on=days_ago(1))
    add_rate("EUR", "0.90", on=days_ago(0))
    add_rate("JPY", "150.5", on=days_ago(0))
    add_rate("GBP", "0.79", on=days_ago(6))


def test_the_page_lists_latest_rates_with_change_source_and_stale_flags(client, staff, rates):
    response = client.get(EXCHANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-currency="EUR"' in html and 'data-currency="JPY"' in html
    assert "0.9" in html and "-0.02" in html and "(-2.17%)" in html
    assert "150.5" in html
    assert "ECB" in html
    assert "stale-warning" in html and "<strong>GBP</strong>" in html
    assert "Update now" in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/exchange.js" in html


def test_a_manual_rate_shows_as_manual(client, staff, rates, add_rate):
    add_rate("JPY", "151", on=days_ago(0), source="manual")
    html = client.get(EXCHANGE).content.decode()
    row = html.split('data-currency="JPY"')[1].split("</tr>")[0]
    assert "151" in row and "Manual" in row


def test_the_converter_shows_the_result_the_rate_and_its_source(client, staff, rates):
    response = client.get(
        EXCHANGE, {"amount": "90", "from_currency": "EUR", "to_currency": "JPY", "on": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "¥15,050" in html  # 90 / 0.90 * 150.5
    assert "Rate used: 1 EUR = 167.2222222222 JPY" in html
    assert "daily rate (ECB)" in html


def test_htmx_gets_only_the_converter(client, staff, rates):
    response = client.get(
        EXCHANGE,
        {"amount": "10", "from_currency": "EUR", "to_currency": "USD"},
        headers={"HX-Request": "true", "HX-Target": "converter"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card mb-3" id="converter"')
    assert "$11.11" in html and "<html" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"amount": "ten", "from_currency": "EUR", "to_currency": "JPY"}, "Enter a number."),
        ({"amount": "-5", "from_currency": "EUR", "to_currency": "JPY"}, "greater than or equal"),
        ({"amount": "1", "from_currency": "XXX", "to_currency": "JPY"}, "Select a valid choice."),
        ({"amount": "1", "from_currency": "EUR", "to_currency": ""}, "This field is required."),
        (
            {"amount": "1", "from_currency": "EUR", "to_currency": "JPY", "on": "2999-01-01"},
            "today and earlier days only",
        ),
        (
            {"amount": "1", "from_currency": "EUR", "to_currency": "JPY", "on": "31/02/2026"},
            "Enter a valid date.",
        ),
        (
            {"amount": "1", "from_currency": "EUR", "to_currency": "JPY", "on": "2001-01-01"},
            "There is no exchange rate for EUR on or before 2001-01-01.",
        ),
        ({"amount": "1e999999", "from_currency": "EUR", "to_currency": "JPY"}, "Ensure"),
    ],
)
def test_bad_converter_input_gives_a_clear_message_and_400(client, staff, rates, params, message):
    response = client.get(EXCHANGE, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_history_of_a_currency_for_a_range_feeds_the_chart_and_the_table(client, staff, rates):
    start, end = days_ago(3).isoformat(), days_ago(0).isoformat()
    response = client.get(EXCHANGE, {"currency": "EUR", "start": start, "end": end})
    html = response.content.decode()
    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart["currency"] == "EUR" and chart["base"] == "USD"
    assert chart["labels"] == [days_ago(1).isoformat(), days_ago(0).isoformat()]
    assert chart["rates"] == ["0.9200000000", "0.9000000000"]
    assert 'id="rate-history-chart"' in html and 'id="rate-history-data"' in html
    assert "history-table" in html


def test_a_reversed_history_range_is_a_400_with_a_message(client, staff, rates):
    response = client.get(EXCHANGE, {"currency": "EUR", "start": days_ago(0), "end": days_ago(5)})
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()


def test_csv_export_lists_the_history_with_neutralised_cells(client, staff, rates, add_rate):
    add_rate("EUR", "0.91", on=days_ago(2), source="=HYPERLINK(evil)")
    response = client.get(
        reverse("sales:rate-export"),
        {"currency": "EUR", "start": days_ago(10), "end": days_ago(0)},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Date", "Currency", "Rate (per 1 USD)", "Source"]
    assert rows[1] == [days_ago(2).isoformat(), "EUR", "0.9100000000", "'=HYPERLINK(evil)"]
    assert rows[-1] == [days_ago(0).isoformat(), "EUR", "0.9000000000", "ecb"]


def test_csv_export_with_bad_input_is_a_400_page(client, staff, rates):
    response = client.get(reverse("sales:rate-export"), {"currency": "NOPE"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_staff_enter_a_manual_rate_that_wins_for_its_day(client, staff, rates):
    today = timezone.localdate()
    response = client.post(
        reverse("sales:rate-create"), {"currency": "EUR", "on": today, "rate": "0.935"}
    )
    assert response.status_code == 302
    entry = ExchangeRate.objects.get(source="manual")
    assert (entry.currency_id, entry.rate, entry.entered_by) == ("EUR", Decimal("0.935"), staff)
    row = client.get(EXCHANGE).content.decode().split('data-currency="EUR"')[1].split("</tr>")[0]
    assert "0.935" in row and "Manual" in row


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"currency": "EUR", "on": "", "rate": "1"}, "This field is required."),
        ({"currency": "EUR", "on": "2026-01-01", "rate": "0"}, "A rate must be more than zero."),
        ({"currency": "USD", "on": "2026-01-01", "rate": "1"}, "Select a valid choice."),
        ({"currency": "EUR", "on": "2999-01-01", "rate": "1"}, "today or earlier"),
    ],
)
def test_bad_manual_rates_are_refused_with_a_message_and_400(client, staff, rates, data, message):
    response = client.post(reverse("sales:rate-create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExchangeRate.objects.filter(source="manual").exists()


def test_update_now_runs_the_update_in_the_background_and_shows_its_status(
    client, staff, ecb, activate, django_capture_on_commit_callbacks
):
    activate("EUR")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sales:exchange-update"))
    assert response.status_code == 302
    update = RateUpdate.objects.get()
    assert update.status == RateUpdate.Status.OK and update.requested_by == staff
    html = client.get(EXCHANGE).content.decode()
    assert "29 rates for March 13, 2026" in html
    assert ExchangeRate.objects.filter(date=FEED_DATE).count() == 29


def test_a_failed_update_shows_its_error_on_the_page(
    client, staff, ecb, activate, django_capture_on_commit_callbacks
):
    activate("EUR")
    ecb("/error.xml")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sales:exchange-update"))
    html = client.get(EXCHANGE).content.decode()
    assert "Failed" in html and "The ECB feed answered HTTP 503 Service Unavailable." in html


def test_update_now_only_accepts_post(client, staff):
    assert client.get(reverse("sales:exchange-update")).status_code == 302


def test_the_page_works_with_no_currencies_at_all(client, staff):
    Currency.objects.all().delete()
    response = client.get(EXCHANGE)
    assert response.status_code == 200
    assert "No currencies are active" in response.content.decode()


OFFICE_URLS = [
    ("get", EXCHANGE),
    ("get", reverse("sales:rate-export")),
    ("post", reverse("sales:exchange-update")),
    ("post", reverse("sales:rate-create")),
]


@pytest.mark.parametrize(("method", "url"), OFFICE_URLS)
def test_portal_users_get_403(client, method, url):
    client.force_login(PortalContactFactory().user)
    assert getattr(client, method)(url).status_code == 403
    assert not RateUpdate.objects.exists()


@pytest.mark.parametrize(("method", "url"), OFFICE_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _fill(count: int, days: int) -> None:
    ensure_currencies()
    codes = list(Currency.objects.exclude(code="USD").values_list("code", flat=True)[:count])
    Currency.objects.filter(code__in=codes).update(is_active=True)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency_id=code, date=days_ago(day), rate=Decimal(1 + day), source=source)
        for code in codes
        for day in range(days)
        for source in ("ecb", "manual")
    )
    RateUpdate.objects.create(provider="ecb", status="ok")


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(EXCHANGE, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_page_runs_the_same_number_of_queries_for_5_or_50_currencies(client, staff):
    _fill(5, days=5)
    currency = Currency.objects.active().exclude(code="USD").first().code
    params = {
        "amount": "10",
        "from_currency": currency,
        "to_currency": "USD",
        "currency": currency,
        "start": days_ago(60).isoformat(),
        "end": days_ago(0).isoformat(),
    }
    few = _queries(client, params)
    ExchangeRate.objects.all().delete()
    _fill(50, days=50)
    many = _queries(client, params)
    assert Currency.objects.active().count() == 51
    assert few == many
    assert many <= 12


def test_rates_dated_in_the_future_are_not_shown_as_latest(client, staff, activate, add_rate):
    activate("EUR")
    add_rate("EUR", "0.5", on=timezone.localdate() + timedelta(days=2))
    add_rate("EUR", "0.9", on=days_ago(0))
    row = client.get(EXCHANGE).content.decode().split('data-currency="EUR"')[1].split("</tr>")[0]
    assert "0.9" in row and "0.5" not in row
