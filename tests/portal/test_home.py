"""The portal home as a to-do list: per granted area what waits on the user, with counts, the
items, amounts due with due dates; the navigation's badges show the same counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Area, PortalAccess
from sales.models import (
    Cancellation,
    Memo,
    Order,
    Payment,
    ProformaInvoice,
    Quotation,
    SignedCancellation,
    SignedDocument,
)
from sales.services.payments import refresh_pi_money
from tests.factories import ContactFactory, PortalContactFactory, PortalUserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def member(client):
    """A signed-in portal user of Acme Trading with every area."""
    contact = PortalContactFactory(
        customer__name="Acme Trading", first_name="Omar", areas=Area.values
    )
    client.force_login(contact.user)
    return contact


def quotation(customer, number, *, valid_days=10, status=Quotation.Status.SENT) -> Quotation:
    return Quotation.objects.create(
        number=number,
        customer=customer,
        status=status,
        valid_until=TODAY + timedelta(days=valid_days),
        currency="USD",
        total=Decimal("250"),
    )


def order(customer, number, placed_by, status=Order.Status.SUBMITTED) -> Order:
    return Order.objects.create(
        number=number,
        customer=customer,
        placed_by=placed_by,
        status=status,
        currency="USD",
        total=Decimal("500"),
        submitted_at=timezone.now(),
    )


def pi(order_, number, *, total="500", due_days=14, currency="USD") -> ProformaInvoice:
    return ProformaInvoice.objects.create(
        number=number,
        order=order_,
        status=ProformaInvoice.Status.SENT,
        issue_date=TODAY - timedelta(days=30),
        due_date=TODAY + timedelta(days=due_days),
        customer_name="Acme Trading",
        seller_name="Lumytic",
        currency=currency,
        total=Decimal(total),
    )


def signed(pi_, status, memo=None) -> SignedDocument:
    return SignedDocument.objects.create(
        pi=pi_,
        memo=memo,
        version=1,
        file="x.pdf",
        size=1,
        sha256="0" * 64,
        status=status,
        reason="Not signed." if status == SignedDocument.Status.REJECTED else "",
    )


def home(client) -> str:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def area_card(html: str, area: str) -> str:
    match = re.search(rf'<div class="card card-body h-100 portal-area" data-area="{area}">', html)
    assert match, area
    end = html.find('class="card card-body h-100 portal-area"', match.end())
    return html[match.end() : end if end != -1 else len(html)]


def badges(html: str) -> dict[str, int]:
    """The navigation's badge per area."""
    nav = html[html.index('id="portal-nav"') : html.index("</ul>", html.index('id="portal-nav"'))]
    found = re.findall(
        r'data-area="(\w+)"[^>]*>[^<]*<span class="badge[^"]*nav-waiting">(\d+)', nav
    )
    return {area: int(count) for area, count in found}


def test_a_waiting_quotation_and_an_unpaid_pi_are_on_the_home_and_in_the_badges(client, member):
    customer = member.customer
    quotation(customer, "QUO-0001")
    unpaid = pi(order(customer, "ORD-0001", member.user, Order.Status.PI_APPROVED), "PI-0001")
    signed(unpaid, SignedDocument.Status.APPROVED)

    html = home(client)

    quotations = area_card(html, "quotations")
    assert "1 quotation awaits your answer" in quotations
    assert "QUO-0001" in quotations and "$250.00" in quotations
    invoices = area_card(html, "invoices")
    assert "1 proforma invoice to pay" in invoices
    assert "PI-0001" in invoices and "order ORD-0001" in invoices
    assert "$500.00" in invoices
    due = (TODAY + timedelta(days=14)).strftime("%m/%d/%Y")
    assert f"due {due}" in invoices
    assert "to sign" not in invoices  # its signed copy is approved
    assert badges(html) == {"quotations": 1, "invoices": 1}


def test_amounts_due_show_the_balance_flag_overdue_and_total_per_currency(client, member):
    customer = member.customer
    first = pi(order(customer, "ORD-1", member.user, Order.Status.PI_APPROVED), "PI-1", due_days=-3)
    pi(order(customer, "ORD-2", member.user, Order.Status.PI_APPROVED), "PI-2", total="200")
    pi(order(customer, "ORD-3", member.user, Order.Status.PI_APPROVED), "PI-3", currency="EUR")
    for document in ProformaInvoice.objects.all():
        signed(document, SignedDocument.Status.APPROVED)
    Payment.objects.create(
        pi=first, amount=Decimal("120"), currency="USD", paid_on=TODAY, bank_reference="R1",
        file="p.pdf", size=1, sha256="0" * 64, status=Payment.Status.CONFIRMED,
    )  # fmt: skip
    refresh_pi_money(first)  # the row alone; the service keeps the PI's sums

    invoices = area_card(home(client), "invoices")

    assert "3 proforma invoices to pay" in invoices
    assert "$380.00" in invoices  # 500 less the 120 paid
    assert "Overdue" in invoices and invoices.count("Overdue") == 1
    totals = invoices[invoices.index("todo-totals") :]
    assert 'data-currency="EUR"' in totals and "€500.00" in totals
    assert 'data-currency="USD"' in totals and "$580.00" in totals


def test_pis_memos_and_cancellations_to_sign_are_listed_until_a_copy_is_uploaded(client, member):
    customer = member.customer
    to_sign = pi(order(customer, "ORD-S", member.user, Order.Status.PI_SENT), "PI-S")
    uploaded = pi(order(customer, "ORD-U", member.user, Order.Status.PI_SIGNED), "PI-U")
    signed(uploaded, SignedDocument.Status.PENDING)
    rejected = pi(order(customer, "ORD-R", member.user, Order.Status.PI_SENT), "PI-R")
    signed(rejected, SignedDocument.Status.REJECTED)
    memo_order = order(customer, "ORD-M", member.user, Order.Status.MEMO_SENT)
    memo_pi = pi(memo_order, "PI-M")
    signed(memo_pi, SignedDocument.Status.APPROVED)
    Memo.objects.create(number="MEMO-1", pi=memo_pi, text="New bank.", status=Memo.Status.SENT)
    Memo.objects.create(number="MEMO-DRAFT", pi=memo_pi, text="Draft.")
    Cancellation.objects.create(
        number="CAN-1", order=memo_order, customer=customer, reason="x",
        status=Cancellation.Status.CONFIRMED, currency="USD", order_total=Decimal("500"),
    )  # fmt: skip
    signed_already = Cancellation.objects.create(
        number="CAN-2", order=to_sign.order, customer=customer, reason="x",
        status=Cancellation.Status.CONFIRMED, currency="USD", order_total=Decimal("500"),
    )  # fmt: skip
    SignedCancellation.objects.create(
        cancellation=signed_already, version=1, file="c.pdf", size=1, sha256="0" * 64
    )

    html = home(client)

    invoices = area_card(html, "invoices")
    assert "2 proforma invoices to sign" in invoices
    assert "PI-S" in invoices and "PI-R" in invoices
    assert "1 memo to sign" in invoices and "MEMO-1" in invoices
    assert "MEMO-DRAFT" not in invoices
    cancellations = area_card(html, "cancellations")
    assert "1 cancellation to sign" in cancellations and "CAN-1" in cancellations
    assert "CAN-2" not in cancellations
    assert badges(html)["cancellations"] == 1
    assert badges(html)["invoices"] == 2 + 1 + 4  # to sign, memo, and four unpaid PIs


def test_only_my_own_orders_leaves_colleagues_orders_and_pis_out(client, member):
    customer = member.customer
    colleague = PortalUserFactory()
    ContactFactory(customer=customer, user=colleague, is_primary=False)
    order(customer, "ORD-MINE", member.user)
    order(customer, "ORD-THEIRS", colleague)
    pi(order(customer, "ORD-THEIRS-2", colleague, Order.Status.PI_SENT), "PI-THEIRS")
    PortalAccess.objects.update_or_create(user=member.user, defaults={"own_orders_only": True})

    html = home(client)

    orders = area_card(html, "orders")
    assert "1 order awaits your confirmation" in orders
    assert "ORD-MINE" in orders and "ORD-THEIRS" not in orders
    assert "PI-THEIRS" not in html
    assert "Nothing is waiting for you here." in area_card(html, "invoices")
    assert badges(html) == {"orders": 1}


def test_expired_declined_and_draft_quotations_and_draft_orders_wait_on_nobody(client, member):
    customer = member.customer
    quotation(customer, "QUO-OLD", valid_days=-1)
    quotation(customer, "QUO-NO", status=Quotation.Status.DECLINED)
    quotation(customer, "QUO-DRAFT", status=Quotation.Status.DRAFT)
    order(customer, "ORD-CART", member.user, Order.Status.DRAFT)

    html = home(client)

    for area in ("quotations", "orders", "invoices", "statements", "cancellations", "contacts"):
        assert "Nothing is waiting for you here." in area_card(html, area), area
    assert badges(html) == {}


def test_the_badges_on_every_portal_page_equal_the_home_counts(client, member):
    customer = member.customer
    quotation(customer, "QUO-A")
    quotation(customer, "QUO-B")
    order(customer, "ORD-A", member.user)
    pi(order(customer, "ORD-B", member.user, Order.Status.PI_SENT), "PI-B")

    on_home = badges(home(client))
    on_orders = badges(client.get(reverse("portal:orders")).content.decode())

    assert on_home == on_orders == {"quotations": 2, "orders": 1, "invoices": 2}


def test_many_waiting_items_show_five_and_link_to_the_filtered_list(client, member):
    for i in range(7):
        quotation(member.customer, f"QUO-{i:02d}", valid_days=i + 1)

    quotations = area_card(home(client), "quotations")

    assert "7 quotations await your answer" in quotations
    assert quotations.count("todo-item") == 5
    assert "QUO-00" in quotations and "QUO-05" not in quotations  # soonest to expire first
    assert f'href="{reverse("portal:quotations")}?status=sent">See all 7' in quotations


def test_home_lists_five_contacts_primary_first_with_a_link_to_all(client, member):
    for i in range(6):
        ContactFactory(customer=member.customer, first_name=f"Zed{i}", is_primary=False)

    html = home(client)

    contacts = html[html.index("Company contacts") :]
    assert contacts.index("Omar") < contacts.index("Zed0")
    assert "Zed4" not in contacts and contacts.count("border-bottom") == 5
    assert "See all contacts" in contacts


def test_counts_are_read_fresh_for_each_user_though_the_sql_is_compiled_once(client, member):
    other = PortalContactFactory(customer__name="Nile Valley", areas=Area.values)
    quotation(member.customer, "QUO-ACME")
    for number in ("QUO-NILE-1", "QUO-NILE-2"):
        quotation(other.customer, number)

    assert badges(home(client)) == {"quotations": 1}
    client.force_login(other.user)
    html = home(client)
    assert badges(html) == {"quotations": 2}
    assert "QUO-NILE-2" in html and "QUO-ACME" not in html
    quotation(other.customer, "QUO-NILE-3", valid_days=0)  # valid through today
    assert badges(home(client)) == {"quotations": 3}
