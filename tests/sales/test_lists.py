"""Back-office lists of proforma invoices and payments: filters, "awaiting action", search,
sorting, pagination, constant queries, and the sidebar's "needs action" counts."""

import re

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lumytic.core.nav import sidebar_counts
from sales.models import Order, ProformaInvoice
from sales.services.invoicing import upload_signed_pi
from sales.services.payments import confirm_payment
from sales.sidebar import pis_awaiting_review
from tests.factories import PortalContactFactory, StaffFactory
from tests.sales.helpers import approved_pi, pay, proof

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_on_disk")]


@pytest.fixture
def owner(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def buyer(owner, name):
    return PortalContactFactory(
        customer__advisor=owner, customer__default_currency="USD", customer__name=name
    ).user


def signed(pi, by):
    """The signed copy uploaded by the customer: the PI now awaits review."""
    Order.objects.filter(pk=pi.order_id).update(status=Order.Status.PI_SENT)
    return upload_signed_pi(pi=pi, by=by, file=proof(name="signed.pdf"))


@pytest.fixture
def data(owner):
    falcon = buyer(owner, "Falcon Logistics")
    heron = buyer(owner, "Heron Foods")
    pi_falcon = approved_pi(falcon.contact.customer, falcon, owner, total="300.00")
    pi_heron = approved_pi(heron.contact.customer, heron, owner, total="900.00")
    pi_review = approved_pi(heron.contact.customer, heron, owner, total="50.00")
    signed(pi_review, heron)
    pending = pay(pi_falcon, falcon, "100", bank_reference="FT-PENDING")
    done = confirm_payment(payment=pay(pi_heron, heron, "900", bank_reference="FT-DONE"), by=owner)
    return {
        "falcon": pi_falcon,
        "heron": pi_heron,
        "review": pi_review,
        "pending": pending,
        "done": done,
    }


def numbers(response, attribute="data-number"):
    html = response.content.decode()
    return re.findall(rf'{attribute}="([^"]+)"', html)


def test_the_pi_list_filters_searches_and_sorts(client, data):
    url = reverse("sales:pi-list")
    assert set(numbers(client.get(url))) == {data[k].number for k in ("falcon", "heron", "review")}
    assert numbers(client.get(url, {"awaiting": "1"})) == [data["review"].number]
    assert numbers(client.get(url, {"q": "falcon"})) == [data["falcon"].number]
    assert numbers(client.get(url, {"q": data["heron"].number})) == [data["heron"].number]
    assert numbers(client.get(url, {"status": "draft"})) == []
    assert numbers(client.get(url, {"status": "nonsense"})) != []
    by_total = numbers(client.get(url, {"sort": "-total"}))
    assert by_total == [data["heron"].number, data["falcon"].number, data["review"].number]
    assert numbers(client.get(url, {"sort": "customer"}))[0] == data["falcon"].number
    assert client.get(url, {"page": "999", "sort": "bogus"}).status_code == 200


def test_the_payment_list_filters_searches_and_sorts(client, data):
    url = reverse("sales:payment-list")
    assert len(numbers(client.get(url), "data-pi")) == 2
    assert numbers(client.get(url, {"awaiting": "1"}), "data-pi") == [data["falcon"].number]
    assert numbers(client.get(url, {"status": "confirmed"}), "data-pi") == [data["heron"].number]
    assert numbers(client.get(url, {"q": "FT-DONE"}), "data-pi") == [data["heron"].number]
    assert numbers(client.get(url, {"q": "heron"}), "data-pi") == [data["heron"].number]
    assert numbers(client.get(url, {"sort": "amount"}), "data-pi") == [
        data["falcon"].number,
        data["heron"].number,
    ]


def test_the_lists_are_staff_only(client, data):
    client.force_login(data["falcon"].order.placed_by)
    assert client.get(reverse("sales:pi-list")).status_code == 403
    assert client.get(reverse("sales:payment-list")).status_code == 403


@pytest.mark.parametrize("name", ["sales:pi-list", "sales:payment-list"])
def test_the_lists_run_the_same_queries_for_5_and_50_rows(client, owner, name):
    def grow(count):
        for index in range(count):
            contact = buyer(owner, f"Customer {ProformaInvoice.objects.count()} {index}")
            pi = approved_pi(contact.contact.customer, contact, owner, total="10.00")
            pay(pi, contact, "5")
            if index % 2:
                signed(pi, contact)

    grow(5)
    client.get(reverse(name))  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse(name), {"sort": "customer"}).status_code == 200
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(reverse(name), {"sort": "customer"}).status_code == 200
    assert len(five) == len(fifty)


def needs_action_counts() -> dict[str, int]:
    counts = sidebar_counts()
    return {key: counts[key] for key in ("pis", "payments", "cancellations")}


def test_the_sidebar_shows_the_needs_action_counts_in_one_query(client, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sales:order-list"))
    html = response.content.decode()
    assert 'data-key="pi-list"' in html and 'data-key="payment-list"' in html
    assert "signed copies awaiting review" in html and "payments awaiting review" in html
    counting = [
        q for q in queries if "sales_signeddocument" in q["sql"] or "sales_payment" in q["sql"]
    ]
    assert len(counting) == 1
    assert needs_action_counts() == {"pis": 1, "payments": 1, "cancellations": 0}


def test_the_counts_are_pis_with_a_pending_signed_copy_and_pending_payments(data, owner):
    """Counted from the pending rows: a PI once however many of its versions or payments wait."""
    heron = data["heron"].order.placed_by
    signed(data["heron"], heron)
    pay(data["falcon"], data["falcon"].order.placed_by, "50", bank_reference="FT-SECOND")
    assert needs_action_counts() == {"pis": 2, "payments": 2, "cancellations": 0}
    definition = ProformaInvoice.objects.aggregate(
        pis=Count("pk", filter=Q(signed_documents__status="pending"), distinct=True),
        payments=Count("payments", filter=Q(payments__status="pending"), distinct=True),
    )
    assert needs_action_counts() == {**definition, "cancellations": 0}
    confirm_payment(payment=data["pending"], by=owner)
    assert needs_action_counts() == {"pis": 2, "payments": 1, "cancellations": 0}


def test_the_counts_follow_reviews_at_once(client, data, owner):
    confirm_payment(payment=data["pending"], by=owner)
    html = client.get(reverse("sales:order-list")).content.decode()
    assert 'data-key="payment-list"' not in html and 'data-key="pi-list"' in html


def test_the_counts_are_not_computed_for_portal_pages(client, data):
    # The sidebar's own SQL for this badge, up to its first parameter.
    office_counts = pis_awaiting_review()[0].split("%s")[0]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("sales:order-list"))
    assert [q for q in queries if office_counts in q["sql"]]  # what is looked for is there
    client.force_login(data["falcon"].order.placed_by)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:home"))
    assert not [q for q in queries if office_counts in q["sql"]]


def test_the_pi_list_filters_by_where_the_money_stands(client, data):
    """Status is the PI's money state: paid, partly paid (only pending money is not paid), …"""
    url = reverse("sales:pi-list")
    assert numbers(client.get(url, {"status": "paid"})) == [data["heron"].number]
    unpaid = numbers(client.get(url, {"status": "unpaid"}))
    assert set(unpaid) == {data["falcon"].number, data["review"].number}
    assert numbers(client.get(url, {"status": "partly_paid"})) == []
    assert numbers(client.get(url, {"status": "void"})) == []
    by_balance = numbers(client.get(url, {"sort": "-balance"}))
    assert by_balance == [data["falcon"].number, data["review"].number, data["heron"].number]


def test_the_customer_page_lists_the_customers_pis_and_payments(client, data):
    """The PI and payment tabs show the customer's own rows, not the empty message."""
    customer = data["heron"].order.customer_id
    pis = client.get(reverse("sales:customer-proforma-invoices", args=[customer]))
    html = pis.content.decode()
    assert set(numbers(pis)) == {data["heron"].number, data["review"].number}
    assert "No proforma invoices for this customer yet" not in html
    assert "Paid" in html and "$900.00" in html and "Unpaid" in html and "$50.00" in html

    payments = client.get(reverse("sales:customer-payments", args=[customer]))
    assert numbers(payments, "data-pi") == [data["heron"].number]
    assert 'data-status="confirmed"' in payments.content.decode()
    other = data["falcon"].order.customer_id
    falcon = client.get(reverse("sales:customer-payments", args=[other]))
    assert numbers(falcon, "data-pi") == [data["falcon"].number]
    assert 'data-status="pending"' in falcon.content.decode()


@pytest.mark.parametrize("name", ["sales:customer-proforma-invoices", "sales:customer-payments"])
def test_the_customer_tabs_run_the_same_queries_for_5_and_50_rows(client, owner, name):
    contact = buyer(owner, "Falcon Logistics")
    customer = contact.contact.customer

    def grow(count):
        for _index in range(count):
            pay(approved_pi(customer, contact, owner, total="10.00"), contact, "5")

    grow(5)
    url = reverse(name, args=[customer.pk])
    client.get(url)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(numbers(response, "data-number" if "invoices" in name else "data-pi")) == 5
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url, {"page": "2"})
    assert len(numbers(response, "data-number" if "invoices" in name else "data-pi")) == 20
    assert len(five) == len(fifty)
