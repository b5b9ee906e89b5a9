"""The portal's statement (area "statements"), invoices list (area "invoices") and home balance.

Decision under test: a statement is the company's account, so "only show my own orders" does
not hide any of it; the statements area alone decides who sees it. The invoices list does honour
"only my own orders".
"""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from customers import tabs
from portal.models import Area
from portal.services.access import set_portal_access
from sales.services.payments import confirm_payment
from tests.factories import PortalContactFactory, StaffFactory
from tests.sales.helpers import approved_pi, credit, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_on_disk")]
PERIOD = {"start": "2026-01-01", "end": date.today().isoformat(), "currency": "USD"}


@pytest.fixture
def owner():
    return StaffFactory()


@pytest.fixture
def omar(owner):
    contact = PortalContactFactory(
        customer__advisor=owner,
        customer__default_currency="USD",
        customer__name="Falcon LLC",
        areas=[Area.INVOICES, Area.STATEMENTS],
    )
    return contact.user


@pytest.fixture
def colleague(omar):
    """A colleague at the same company who placed an order of their own."""
    contact = PortalContactFactory(
        customer=omar.contact.customer, is_primary=False, areas=[Area.INVOICES, Area.STATEMENTS]
    )
    return contact.user


@pytest.fixture
def books(omar, colleague, owner):
    """Omar's PI 1,000 (600 paid); the colleague's PI 250; a 50 credit; another customer's PI."""
    customer = omar.contact.customer
    mine = approved_pi(customer, omar, owner, total="1000.00")
    confirm_payment(payment=pay(mine, omar, "600", bank_reference="FT-OMAR"), by=owner)
    theirs = approved_pi(customer, colleague, owner, total="250.00")
    credit(customer, "50")
    stranger = PortalContactFactory(customer__name="Someone Else", customer__default_currency="USD")
    foreign = approved_pi(stranger.customer, stranger.user, owner, total="777.00")
    return {"mine": mine, "theirs": theirs, "foreign": foreign}


def test_the_statements_area_is_required(client, omar, books):
    set_portal_access(contact=omar.contact, by=None, areas=[Area.INVOICES])
    client.force_login(omar)
    assert client.get(reverse("portal:statements")).status_code == 403
    assert (
        client.get(reverse("portal:statements"), {**PERIOD, "download": "csv"}).status_code == 403
    )
    home = client.get(reverse("portal:home")).content.decode()
    assert "portal-balance" not in home


def test_the_invoices_area_is_required(client, omar, books):
    set_portal_access(contact=omar.contact, by=None, areas=[Area.STATEMENTS])
    client.force_login(omar)
    assert client.get(reverse("portal:invoices")).status_code == 403


def test_the_statement_shows_the_own_company_only(client, omar, books):
    client.force_login(omar)
    html = client.get(reverse("portal:statements"), PERIOD).content.decode()
    assert books["mine"].number in html and books["theirs"].number in html
    assert books["foreign"].number not in html and "Someone Else" not in html
    assert "$600.00" in html  # closing: 1000 + 250 - 600 - 50


def test_only_my_own_orders_does_not_hide_the_company_statement(client, omar, books):
    set_portal_access(
        contact=omar.contact, by=None, areas=[Area.INVOICES, Area.STATEMENTS], own_orders_only=True
    )
    client.force_login(omar)
    statement = client.get(reverse("portal:statements"), PERIOD).content.decode()
    assert books["theirs"].number in statement and "$600.00" in statement
    invoices = client.get(reverse("portal:invoices")).content.decode()
    assert books["mine"].number in invoices and books["theirs"].number not in invoices


def test_a_currency_not_offered_is_refused(client, omar, books):
    client.force_login(omar)
    response = client.get(reverse("portal:statements"), {**PERIOD, "currency": "JPY"})
    assert response.status_code == 400


def test_the_downloads(client, omar, books):
    client.force_login(omar)
    response = client.get(reverse("portal:statements"), {**PERIOD, "download": "csv"})
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[-1][3:] == ["Closing balance", "1250.00", "650.00", "600.00"]
    assert books["foreign"].number not in str(rows)
    pdf = client.get(reverse("portal:statements"), {**PERIOD, "download": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_invoices_list_shows_what_is_due(client, omar, books):
    client.force_login(omar)
    html = client.get(reverse("portal:invoices")).content.decode()
    assert books["mine"].number in html and books["theirs"].number in html
    assert books["foreign"].number not in html
    assert "$400.00" in html  # still due on Omar's PI


def test_the_home_shows_the_same_balance_as_the_customer_page(client, omar, books):
    client.force_login(omar)
    html = client.get(reverse("portal:home")).content.decode()
    balance = tabs.combine_balance(tabs.summary_parts(omar.contact.customer))
    assert balance == {"USD": 600}
    assert "portal-balance" in html and "$600.00" in html
    assert reverse("portal:statements") in html
