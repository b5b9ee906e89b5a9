import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from lumytic.core.models import CompanyProfile
from sales.models import Cancellation, Currency, ExchangeRate
from sales.services.cancellations import (
    approve_signed_cancellation,
    confirm_cancellation,
    request_cancellation,
    upload_signed_cancellation,
)
from sales.services.currency import ensure_currencies
from sales.services.invoicing import issue_pi, send_pi
from sales.services.orders import confirm_order, create_order
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.sales.helpers import BILLING, CANCELLATION_REASON, approved_pi, line, proof

DATA = Path(__file__).parent / "data"
FEED = (DATA / "eurofxref-daily.xml").read_bytes()
FEED_DATE = date(2026, 3, 13)
SLOW_SECONDS = 2.0


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # the slow handler may still sleep when the test ends

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.requests: list[str] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class FeedHandler(BaseHTTPRequestHandler):
    """Serves the recorded ECB feed and its broken variants, by path."""

    routes = {
        "/eurofxref-daily.xml": (200, FEED),
        "/malformed.xml": (200, FEED[: len(FEED) // 2]),
        "/not-the-feed.xml": (200, b"<?xml version='1.0'?><html><body>Maintenance</body></html>"),
        "/bad-rate.xml": (200, FEED.replace(b"rate='161.13'", b"rate='n/a'")),
        "/no-usd.xml": (200, FEED.replace(b"<Cube currency='USD' rate='1.0876'/>", b"")),
        "/no-jpy.xml": (200, FEED.replace(b"<Cube currency='JPY' rate='161.13'/>", b"")),
        "/error.xml": (503, b"Service Unavailable"),
    }

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path == "/slow.xml":
            time.sleep(SLOW_SECONDS)  # accepts the connection, then never answers in time
        status, body = self.routes.get(self.path, (404, b"Not Found"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def rate_settings(settings):
    settings.BASE_CURRENCY = "USD"
    settings.RATE_PROVIDER = "ecb"
    settings.ECB_FEED_URL = "http://127.0.0.1:9/unused.xml"
    settings.RATES_FETCH_TIMEOUT = 0.5
    settings.RATES_STALE_AFTER_DAYS = 3
    settings.SITE_URL = "https://lumytic.test"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"
    return settings


@pytest.fixture
def today(monkeypatch):
    """Pin timezone.localdate() (with no arguments) to the feed's day; returns a setter."""
    real = timezone.localdate
    current = {"day": FEED_DATE}

    def localdate(value=None, timezone=None):
        if value is None and timezone is None:
            return current["day"]
        return real(value, timezone)

    def set_today(day: date) -> date:
        current["day"] = day
        return day

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return set_today


@pytest.fixture
def ecb(settings, feed_server, today):
    """Point the ECB provider at the local server, on the recorded feed's day.

    Returns a function to pick the served path (a broken feed, a slow one, …).
    """

    def serve(path: str = "/eurofxref-daily.xml"):
        settings.ECB_FEED_URL = feed_server.url(path)
        return feed_server

    serve()
    return serve


@pytest.fixture
def activate(db):
    """Switch currencies on (they come from the ISO list, as in production)."""

    def activate(*codes: str) -> list[Currency]:
        ensure_currencies()
        Currency.objects.filter(code__in=codes).update(is_active=True)
        return list(Currency.objects.filter(code__in=codes))

    return activate


@pytest.fixture
def add_rate(db):
    """Store a rate: add_rate("EUR", "0.92", on=date, source="ecb")."""

    def add(code: str, rate, *, on: date, source: str = "ecb", by=None) -> ExchangeRate:
        ensure_currencies()
        return ExchangeRate.objects.create(
            currency_id=code, date=on, rate=Decimal(str(rate)), source=source, entered_by=by
        )

    return add


@pytest.fixture
def notified_staff(db):
    """Two staff who get sales notifications."""
    return [
        StaffFactory(email="samir@lumytic.test", sales_notifications=True),
        StaffFactory(email="lina@lumytic.test", sales_notifications=True),
    ]


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


# --- Documents: a buyer, the order's owner, a PI and a cancellation (used with usefixtures) ------


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://lumytic.test"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def seller(db):
    """The company profile printed on PIs, with its bank details."""
    profile = CompanyProfile.load()
    profile.legal_name = "Lumytic Trading LLC"
    profile.address = "Business Bay, Dubai"
    profile.bank_name = "Emirates NBD"
    profile.bank_account_name = "Lumytic Trading LLC"
    profile.bank_iban = "AE070331234567890123456"
    profile.bank_swift = "EBILAEAD"
    profile.save()
    return profile


@pytest.fixture
def seller_profile(db):
    """The company profile's legal name, as a cancellation PDF prints it."""
    profile = CompanyProfile.load()
    profile.legal_name = "Lumytic Trading LLC"
    profile.save()
    return profile


@pytest.fixture
def owner():
    return StaffFactory(email="owner@lumytic.test", first_name="Lina")


@pytest.fixture
def buyer(owner):
    """A portal user of Falcon Logistics (USD), whose advisor is the owner."""
    contact = PortalContactFactory(
        customer__advisor=owner,
        customer__default_currency="USD",
        customer__name="Falcon Logistics",
        email="omar@falcon.test",
    )
    return contact.user


@pytest.fixture
def order(buyer):
    """A confirmed order: 2 x 10.00 and 1 x 5.50 less 10 %, 5 % tax."""
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[line(), line("Cable", "1", "5.50", discount="10")],
    )
    return confirm_order(order=order, by=buyer, billing=BILLING)


@pytest.fixture
def sent_pi(order, owner):
    pi = issue_pi(order=order, by=owner)
    return send_pi(pi=pi, by=owner)


@pytest.fixture
def pi(buyer, owner):
    """A sent PI of 1000.00 USD whose order waits for payment."""
    return approved_pi(buyer.contact.customer, buyer, owner)


@pytest.fixture
def requested(pi, buyer):
    return request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)


@pytest.fixture
def confirmed(requested, owner):
    return confirm_cancellation(cancellation=requested, by=owner)


@pytest.fixture
def signed(confirmed, buyer):
    upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof(name="signed.pdf"))
    return Cancellation.objects.get(pk=confirmed.pk)


@pytest.fixture
def approved(signed, owner):
    approve_signed_cancellation(document=signed.signed_documents.get(), by=owner)
    return signed


@pytest.fixture
def advisor():
    return StaffFactory(email="advisor@lumytic.test", first_name="Lina", last_name="Farouk")


@pytest.fixture
def customer(advisor):
    """Acme Trading (USD), advised by the advisor."""
    return CustomerFactory(name="Acme Trading", advisor=advisor, default_currency="USD")
