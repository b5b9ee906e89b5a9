"""Statements of account: balances against a hand-computed example, row by row; the PDF and the
CSV; the back-office page; and agreement with the customer page's Summary balance."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from customers import tabs
from customers.models import Credit
from sales.models import CreditApplication, ProformaInvoice
from sales.pdf import render_statement_pdf
from sales.services.payments import apply_credit, confirm_payment, reject_payment
from sales.statements import statement_currencies, statement_for
from tests.factories import PortalContactFactory, StaffFactory
from tests.sales.helpers import approved_pi, credit, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_on_disk")]
D = Decimal
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31), "currency": "USD"}


@pytest.fixture
def owner():
    return StaffFactory()


@pytest.fixture
def buyer(owner):
    return PortalContactFactory(
        customer__advisor=owner, customer__default_currency="USD", customer__name="Falcon LLC"
    ).user


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def issued(pi, day: date):
    ProformaInvoice.objects.filter(pk=pi.pk).update(issue_date=day, due_date=day)
    return ProformaInvoice.objects.select_related("order").get(pk=pi.pk)


def confirmed(pi, by, owner, amount, day: date, reference="FT26001"):
    payment = pay(pi, by, amount, paid_on=day, bank_reference=reference)
    return confirm_payment(payment=payment, by=owner)


def example(buyer, owner):
    """Hand-computed, USD, statement for March 2026:

    Before March: PI A 1,000.00 (10 Feb), payment 600.00 on A (20 Feb)  -> opening 400.00
    05 Mar  PI B issued                     debit  500.00   balance  900.00
    10 Mar  payment on A (rest)             credit 400.00   balance  500.00
    12 Mar  payment on B (partial)          credit 200.00   balance  300.00
    15 Mar  credit issued                   credit 150.00   balance  150.00
    16 Mar  100.00 of it applied to B       (information)   balance  150.00
    Left out: a pending payment of 100.00 and a rejected one (13 Mar), PI C (2 Apr, after the
    range) and an EUR credit (another currency).   Closing 150.00; debits 500, credits 750.
    """
    customer = buyer.contact.customer
    pi_a = issued(approved_pi(customer, buyer, owner, total="1000.00"), date(2026, 2, 10))
    confirmed(pi_a, buyer, owner, "600", date(2026, 2, 20), "FT-A1")
    pi_b = issued(approved_pi(customer, buyer, owner, total="500.00"), date(2026, 3, 5))
    confirmed(pi_a, buyer, owner, "400", date(2026, 3, 10), "FT-A2")
    confirmed(pi_b, buyer, owner, "200", date(2026, 3, 12), "FT-B1")
    reject_payment(
        payment=pay(pi_b, buyer, "50", paid_on=date(2026, 3, 13)), by=owner, reason="Duplicate"
    )
    pay(pi_b, buyer, "100", paid_on=date(2026, 3, 13))
    issued_credit = credit(customer, "150", reason='=HYPERLINK("http://x")')
    Credit.objects.filter(pk=issued_credit.pk).update(created_at=noon(date(2026, 3, 15)))
    apply_credit(pi=pi_b, by=owner, credit=issued_credit, amount="100")
    CreditApplication.objects.update(applied_at=noon(date(2026, 3, 16)))
    issued(approved_pi(customer, buyer, owner, total="50.00"), date(2026, 4, 2))
    credit(customer, "20", "EUR")
    return customer, pi_a, pi_b


def test_the_statement_matches_the_hand_computed_example_row_by_row(buyer, owner):
    customer, pi_a, pi_b = example(buyer, owner)
    statement = statement_for(customer, **MARCH)
    assert statement.opening == D("400.00")
    got = [(r.date, r.kind, r.reference, r.debit, r.credit, r.balance) for r in statement.rows]
    assert got == [
        (date(2026, 3, 5), "pi", pi_b.number, D("500.00"), None, D("900.00")),
        (date(2026, 3, 10), "payment", pi_a.number, None, D("400.00"), D("500.00")),
        (date(2026, 3, 12), "payment", pi_b.number, None, D("200.00"), D("300.00")),
        (date(2026, 3, 15), "credit", "", None, D("150.00"), D("150.00")),
        (date(2026, 3, 16), "credit_applied", pi_b.number, None, None, D("150.00")),
    ]
    assert (statement.total_debit, statement.total_credit) == (D("500.00"), D("750.00"))
    assert statement.closing == D("150.00")
    assert "FT-A2" in statement.rows[1].description


def test_a_statement_up_to_today_closes_on_the_customer_page_balance(buyer, owner):
    customer, _a, _b = example(buyer, owner)
    statement = statement_for(customer, start=date(2026, 1, 1), end=date.today(), currency="USD")
    summary = tabs.combine_balance(tabs.summary_parts(customer))
    assert statement.opening == 0
    assert statement.closing == summary["USD"] == D("200.00")  # 1550 - 1200 - 150
    eur = statement_for(customer, start=date(2026, 1, 1), end=date.today(), currency="EUR")
    assert eur.closing == summary["EUR"] == D("-20.00")
    assert statement_currencies(customer) == ["EUR", "USD"]


def test_the_statement_runs_a_constant_number_of_queries(buyer, owner):
    customer, _a, _b = example(buyer, owner)
    with CaptureQueriesContext(connection) as small:
        statement_for(customer, start=date(2026, 1, 1), end=date.today(), currency="USD")
    for _ in range(5):
        confirmed(
            issued(approved_pi(customer, buyer, owner, total="10.00"), date(2026, 5, 1)),
            buyer,
            owner,
            "10",
            date(2026, 5, 2),
        )
    with CaptureQueriesContext(connection) as large:
        statement = statement_for(
            customer, start=date(2026, 1, 1), end=date.today(), currency="USD"
        )
    assert len(statement.rows) > 10
    assert len(large) == len(small) <= 9


def test_the_pdf_holds_the_rows_and_balances(buyer, owner):
    customer, pi_a, pi_b = example(buyer, owner)
    pdf = render_statement_pdf(statement_for(customer, **MARCH))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "Statement of account",
        "Falcon LLC",
        pi_a.number,
        pi_b.number,
        "FT-A2",
        "Opening balance",
        "Closing balance",
        "$400.00",
        "$900.00",
        "$150.00",
    ):
        assert expected in text, expected


def test_customer_text_in_the_pdf_fetches_nothing(buyer, owner):
    from sales.pdf import InvoiceFetcher

    customer = buyer.contact.customer
    customer.name = '<img src="file:///etc/passwd">'
    customer.save(update_fields=["name"])
    credit(customer, "5", reason='<img src="http://evil.test/x.png">')
    fetcher = InvoiceFetcher()
    pdf = render_statement_pdf(
        statement_for(customer, start=date(2026, 1, 1), end=date.today(), currency="USD"),
        fetcher=fetcher,
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert fetcher.refused == [] and "root:" not in text
    assert "evil.test" in text  # printed as text, never loaded


def test_the_back_office_page_and_downloads(client, buyer, owner):
    customer, pi_a, _b = example(buyer, owner)
    client.force_login(owner)
    url = reverse("sales:customer-statement", args=[customer.pk])
    page = client.get(url, MARCH)
    assert page.status_code == 200
    html = page.content.decode()
    assert pi_a.number in html and "$150.00" in html and "Opening balance" in html

    response = client.get(url, {**MARCH, "download": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Date", "Type", "Reference", "Description", "Debit", "Credit", "Balance"]
    assert rows[1][3:] == ["Opening balance", "", "", "400.00"]
    assert rows[-1][3:] == ["Closing balance", "500.00", "750.00", "150.00"]
    assert [
        "2026-03-15",
        "Credit issued",
        "",
        '\'=HYPERLINK("http://x")',
        "",
        "150.00",
        "150.00",
    ] in rows
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)

    pdf = client.get(url, {**MARCH, "download": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]


def test_a_bad_period_is_a_clear_400(client, buyer, owner):
    client.force_login(owner)
    url = reverse("sales:customer-statement", args=[buyer.contact.customer.pk])
    response = client.get(url, {"start": "2026-05-01", "end": "2026-04-01", "currency": "USD"})
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert client.get(url, {"start": "nonsense", "currency": "XXX"}).status_code == 400


def test_the_statement_page_is_staff_only(client, buyer):
    client.force_login(buyer)
    url = reverse("sales:customer-statement", args=[buyer.contact.customer.pk])
    assert client.get(url).status_code == 403


def test_a_long_statement_pages_on_screen_carrying_the_balance_forward(client, buyer, owner):
    """60 movements show as 50 and 10: each page's balance carries to the next, the closing
    balance is stated on the first page, and the CSV keeps every row."""
    customer = buyer.contact.customer
    for number in range(60):
        credit(customer, "1.00", reason=f"Goodwill {number:02}")
    client.force_login(owner)
    url = reverse("sales:customer-statement", args=[customer.pk])

    with CaptureQueriesContext(connection) as first_queries:
        first = BeautifulSoup(client.get(url).content, "html.parser")
    with CaptureQueriesContext(connection) as second_queries:
        second = BeautifulSoup(client.get(url, {"page": 2}).content, "html.parser")

    def cells(page, css):
        row = page.select_one(css)
        return None if row is None else [cell.get_text(strip=True) for cell in row.find_all("td")]

    assert len(first.select("tr.statement-row")) == 50
    assert cells(first, "tr.statement-opening")[-1] == "$0.00"
    assert cells(first, "tr.statement-carried-forward")[-1] == "-$50.00"
    assert cells(first, "tr.statement-closing") is None
    assert "closing balance -$60.00" in first.get_text(" ", strip=True)
    assert first.select_one("a[rel=next]")["href"].endswith("page=2")

    assert len(second.select("tr.statement-row")) == 10
    assert cells(second, "tr.statement-brought-forward")[-1] == "-$50.00"
    assert cells(second, "tr.statement-closing")[-1] == "-$60.00"
    assert cells(second, "tr.statement-opening") is None
    assert len(first_queries) == len(second_queries)

    body = b"".join(client.get(url, {"download": "csv"}).streaming_content).decode("utf-8-sig")
    assert sum("Goodwill" in line for line in body.splitlines()) == 60


def test_a_statement_date_at_the_calendars_end_is_a_clear_400(client, buyer, owner):
    client.force_login(owner)
    url = reverse("sales:customer-statement", args=[buyer.contact.customer.pk])
    response = client.get(url, {"start": "9999-01-01", "end": "9999-12-31", "currency": "USD"})
    assert response.status_code == 400
    assert "Enter a date before the year 3000." in response.content.decode()
