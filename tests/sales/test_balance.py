"""The customer page's Summary: sales document totals and the balance, credits counted once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import tabs
from sales.models import Order
from sales.services.payments import apply_credit, confirm_payment, reject_payment
from sales.summary import sales_summary
from tests.factories import PortalContactFactory, StaffFactory
from tests.sales.helpers import approved_pi, credit, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_on_disk")]


@pytest.fixture
def owner():
    return StaffFactory()


@pytest.fixture
def buyer(owner):
    return PortalContactFactory(customer__advisor=owner, customer__default_currency="USD").user


def example(buyer, owner):
    """PI 1,000.00 USD; payments 300 and 200 confirmed, 100 pending, 50 rejected; a 150.00
    credit of which 100.00 is applied to the PI; an EUR credit of 20.00.

    Still due on the PI: 1000 - 300 - 200 - 100 = 400; credit still owed: 150 - 100 = 50.
    Balance: 400 - 50 = 350.00 USD, and -20.00 EUR (owed to the customer).
    """
    customer = buyer.contact.customer
    pi = approved_pi(customer, buyer, owner)
    confirm_payment(payment=pay(pi, buyer, "300"), by=owner)
    confirm_payment(payment=pay(pi, buyer, "200"), by=owner)
    reject_payment(payment=pay(pi, buyer, "50"), by=owner, reason="Duplicate")
    pay(pi, buyer, "100")
    apply_credit(pi=pi, by=owner, credit=credit(customer, "150"), amount="100")
    credit(customer, "20", "EUR")
    return customer, pi


def test_the_balance_matches_the_hand_computed_example(buyer, owner):
    customer, _pi = example(buyer, owner)
    part = sales_summary(customer)
    assert part.balance == {"USD": Decimal("500.000")}  # PIs less confirmed payments
    balance = tabs.combine_balance(tabs.summary_parts(customer))
    assert balance == {"EUR": Decimal("-20.000"), "USD": Decimal("350.000")}
    totals = {str(total.label): total for total in part.totals}
    assert totals["Proforma invoices"].count == 1
    assert totals["Proforma invoices"].amounts == {"USD": Decimal("1000.000")}
    assert totals["Orders"].count == 1
    assert totals["Confirmed payments"].count == 2
    assert totals["Confirmed payments"].amounts == {"USD": Decimal("500.000")}


def test_the_summary_tab_shows_it(client, buyer, owner):
    customer, _pi = example(buyer, owner)
    client.force_login(owner)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert "$350.00" in html and "-€20.00" in html
    assert "$1,000.00" in html and "Proforma invoices" in html


def test_draft_pis_and_cancelled_orders_stay_out(buyer, owner):
    customer = buyer.contact.customer
    draft = approved_pi(customer, buyer, owner, status=Order.Status.CONFIRMED)
    type(draft).objects.filter(pk=draft.pk).update(status="draft")
    assert sales_summary(customer).balance == {}


def test_the_provider_runs_a_fixed_number_of_queries(buyer, owner):
    customer = buyer.contact.customer
    approved_pi(customer, buyer, owner)
    with CaptureQueriesContext(connection) as one:
        sales_summary(customer)
    for _ in range(4):
        pi = approved_pi(customer, buyer, owner)
        confirm_payment(payment=pay(pi, buyer, "10"), by=owner)
    with CaptureQueriesContext(connection) as five:
        part = sales_summary(customer)
    assert len(five) == len(one) == 4  # PIs, payments, orders, cancellation write-offs
    assert part.balance == {"USD": Decimal("4960.000")}
