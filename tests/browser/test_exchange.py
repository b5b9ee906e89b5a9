"""In a real browser, staff read the rates, convert an amount and chart a currency's history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sales.models import Currency, ExchangeRate, RateUpdate
from sales.services.currency import ensure_currencies
from tests.browser.helpers import sign_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rates(settings):
    settings.BASE_CURRENCY = "USD"
    ensure_currencies()
    Currency.objects.filter(code__in=["EUR", "JPY", "GBP"]).update(is_active=True)
    today = timezone.localdate()
    rows = []
    for day in range(20):
        on = today - timedelta(days=day)
        rows += [
            ExchangeRate(
                currency_id="EUR", date=on, rate=Decimal("0.90") + day / Decimal(1000), source="ecb"
            ),
            ExchangeRate(currency_id="JPY", date=on, rate=Decimal("150") + day, source="ecb"),
            ExchangeRate(currency_id="GBP", date=on, rate=Decimal("0.79"), source="ecb"),
        ]
    ExchangeRate.objects.bulk_create(rows)
    RateUpdate.objects.create(provider="ecb", status="ok", rates_date=today, rate_count=3)
    return today


def test_rates_converter_and_history_chart(page, rates):
    StaffFactory(email="lina@lumytic.test", first_name="Lina")
    sign_in(page, "lina@lumytic.test")

    sidebar = page.get_by_role("navigation", name="Back-office")
    sidebar.get_by_role("link", name="Currency exchange").click()
    expect(page.get_by_role("heading", name="Currency exchange", level=1)).to_be_visible()
    table = page.locator(".rate-table")
    expect(table.locator('tr[data-currency="EUR"]')).to_contain_text("0.9")
    expect(table.locator('tr[data-currency="JPY"]')).to_contain_text("150")
    expect(table.locator('tr[data-currency="JPY"]')).to_contain_text("-1")  # 151 -> 150

    # The converter answers in place (htmx) with the rate used and its source.
    converter = page.locator("#converter")
    converter.get_by_label("Amount").fill("90")
    converter.get_by_label("From").select_option("EUR")
    converter.get_by_label("To").select_option("JPY")
    converter.get_by_role("button", name="Convert").click()
    expect(page.locator(".conversion-amount")).to_have_text("¥15,000")
    expect(page.locator(".conversion-result")).to_contain_text("Rate used: 1 EUR = 166.")
    expect(page.locator(".conversion-result")).to_contain_text("daily rate (ECB)")

    # A bad amount gets a message, not an error page.
    page.locator("#converter").get_by_label("Amount").fill("-3")
    page.locator("#converter").get_by_role("button", name="Convert").click()
    expect(page.locator("#converter")).to_contain_text("greater than or equal to 0")

    # Pick a currency and a range: the chart and the table follow.
    history = page.locator(".history-form")
    history.get_by_label("Currency").select_option("JPY")
    history.get_by_label("From").fill((rates - timedelta(days=9)).isoformat())
    history.get_by_label("Until").fill(rates.isoformat())
    history.get_by_role("button", name="Show").click()
    expect(page.locator(".rate-history h3")).to_have_text("JPY per 1 USD")
    expect(page.locator(".history-table tbody tr")).to_have_count(10)
    expect(page.locator(".history-table tbody tr").first).to_contain_text("150")
    canvas = page.locator("#rate-history-chart")
    expect(canvas).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    points = page.evaluate(
        "Chart.getChart(document.querySelector('#rate-history-chart')).data.datasets[0].data"
    )
    assert len(points) == 10 and points[-1] == 150
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    page.screenshot(path="test-artifacts/exchange.png", full_page=True)
