"""A PI's life through the services, read back from every page that states its money.

Each path drives the real steps (order, PI sent, signed copy approved, payments, credits,
cancellation) and after every step opens the office PI list, the order page, the customer page's
PI, payment and summary tabs, the office statement, the portal home, the portal invoices and the
portal statement: all of them must state the same PI state and the same amounts. The emails each
step writes go to the people the catalogue names.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from lumytic.core.templatetags.money import money
from notifications.models import OutboundEmail
from sales.models import OPEN_STATES, Cancellation, Order, Payment, PiState, ProformaInvoice
from sales.services.cancellations import (
    approve_signed_cancellation,
    complete_cancellation,
    confirm_cancellation,
    request_cancellation,
    upload_signed_cancellation,
)
from sales.services.invoicing import approve_signed_pi, issue_pi, send_pi, upload_signed_pi
from sales.services.orders import confirm_order, create_order
from sales.services.payments import apply_credit, confirm_payment, upload_payment
from tests.factories import PortalContactFactory, StaffFactory
from tests.sales.helpers import BILLING, TODAY, credit, proof

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media"),
]  # uploads go to a temporary folder
USD = "USD"


@dataclass(frozen=True)
class Truth:
    """What every page must say about the PI and the customer's account."""

    state: str
    received: Decimal
    balance: Decimal  # still due on the PI
    account: Decimal  # the customer's balance: positive, they owe us; negative, we owe them
    payments: tuple[tuple[str, Decimal], ...] = ()  # (status, amount), newest first

    @classmethod
    def paid_in_full(cls, *amounts: int) -> "Truth":
        """A 1,000 PI paid by confirmed payments of `amounts` (newest first), nothing owed."""
        confirmed = tuple(("confirmed", Decimal(amount)) for amount in amounts)
        return cls(PiState.PAID, Decimal(1000), Decimal(0), Decimal(0), payments=confirmed)


@dataclass
class World:
    owner: object
    buyer: object
    customer: object
    staff: Client
    portal: Client


@pytest.fixture
def world() -> World:
    owner = StaffFactory(email="lina@lumytic.test", first_name="Lina")
    contact = PortalContactFactory(
        customer__advisor=owner,
        customer__default_currency=USD,
        customer__name="Falcon Logistics",
        email="omar@falcon.test",
    )
    staff, portal = Client(), Client()
    staff.force_login(owner)
    portal.force_login(contact.user)
    return World(owner, contact.user, contact.customer, staff, portal)


def soup(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def usd(amount) -> str:
    return money(Decimal(amount), USD)


def recipients(event: str) -> list[str]:
    return list(
        OutboundEmail.objects.filter(event=event).order_by("pk").values_list("to_email", flat=True)
    )


def sent_pi(w: World, total: str, account_before: Decimal = Decimal(0)) -> ProformaInvoice:
    """An order placed and confirmed by the buyer, its PI sent and the signed copy approved;
    `account_before` is the customer's balance before the PI is sent."""
    order = create_order(
        customer=w.customer,
        by=w.buyer,
        placed_by=w.buyer,
        lines=[{"description": "Machine", "quantity": Decimal("1"), "unit_price": Decimal(total)}],
    )
    order = confirm_order(order=order, by=w.buyer, billing=BILLING)
    pi = issue_pi(order=order, by=w.owner)
    assert_pages(w, pi, Truth(PiState.DRAFT, Decimal(0), Decimal(0), account_before))
    send_pi(pi=pi, by=w.owner)
    document = upload_signed_pi(pi=pi, by=w.buyer, file=proof(name="signed.pdf"))
    approve_signed_pi(document=document, by=w.owner)
    assert recipients("pi_sent") == [w.buyer.email]
    assert recipients("pi_signed") == [w.owner.email]
    assert recipients("pi_signed_approved") == [w.buyer.email]
    return ProformaInvoice.objects.select_related("order").get(pk=pi.pk)


def pay(w: World, pi: ProformaInvoice, amount: str, *, confirm: bool = True) -> Payment:
    payment = upload_payment(
        pi=pi,
        by=w.buyer,
        amount=Decimal(amount),
        paid_on=TODAY(),
        bank_reference="FT26001",
        file=proof(),
    )
    if confirm:
        confirm_payment(payment=payment, by=w.owner)
    return payment


def cancel(w: World, pi: ProformaInvoice) -> Cancellation:
    cancellation = request_cancellation(order=pi.order, by=w.buyer, reason="No longer needed.")
    cancellation = confirm_cancellation(cancellation=cancellation, by=w.owner)
    upload_signed_cancellation(cancellation=cancellation, by=w.buyer, file=proof(name="c.pdf"))
    approve_signed_cancellation(document=cancellation.signed_documents.get(), by=w.owner)
    cancellation = complete_cancellation(cancellation=cancellation, by=w.owner)
    assert recipients("cancellation_new") == [w.buyer.email, w.owner.email]
    assert recipients("cancellation_confirmed") == [w.buyer.email]
    assert recipients("cancellation_signed") == [w.owner.email]
    assert recipients("cancellation_completed") == [w.owner.email, w.buyer.email]
    return cancellation


# --- What the pages say --------------------------------------------------------------------------


def pi_row(page: BeautifulSoup, pi: ProformaInvoice):
    row = page.select_one(f'tr[data-number="{pi.number}"]')
    assert row is not None, f"{pi.number} is not listed"
    return row


def state_of(node) -> str:
    badge = node.select_one(".pi-state")
    assert badge is not None
    assert text(badge) == PiState(badge["data-state"]).label  # the label matches the state
    return badge["data-state"]


def account_on_summary(page: BeautifulSoup) -> str:
    return text(page.select_one(f'.summary-balance[data-currency="{USD}"]'))


def assert_pages(w: World, pi: ProformaInvoice, truth: Truth) -> None:
    customer = w.customer.pk
    sent = truth.state != PiState.DRAFT

    office_list = pi_row(soup(w.staff, reverse("sales:pi-list")), pi)
    assert state_of(office_list) == truth.state
    assert text(office_list.select_one(".pi-balance")).startswith(usd(truth.balance))

    order_page = soup(w.staff, reverse("sales:order-detail", args=[pi.order_id]))
    section = order_page.select_one("#proforma-invoice")
    assert state_of(section) == truth.state
    paid = text(section.select_one(".pi-paid"))
    credited = text(section.select_one(".pi-credited"))
    assert _amount(paid) + _amount(credited) == truth.received
    assert text(section.select_one(".pi-outstanding")) == usd(truth.balance)

    tab = pi_row(soup(w.staff, reverse("sales:customer-proforma-invoices", args=[customer])), pi)
    assert state_of(tab) == truth.state
    assert text(tab.select_one(".pi-received")).startswith(usd(truth.received))
    assert text(tab.select_one(".pi-balance")) == usd(truth.balance)

    payment_rows = soup(w.staff, reverse("sales:customer-payments", args=[customer])).select(
        "table.customer-payments tbody tr"
    )
    listed = [
        (row.select_one("[data-status]")["data-status"], text(row.select_one(".payment-amount")))
        for row in payment_rows
    ]
    assert listed == [(status, usd(amount)) for status, amount in truth.payments]

    summary = soup(w.staff, reverse("customers:customer-detail", args=[customer]))
    assert account_on_summary(summary) == usd(truth.account)
    office_statement = soup(w.staff, reverse("sales:customer-statement", args=[customer]))
    assert text(office_statement.select_one(".statement-closing-balance")) == usd(truth.account)

    home = soup(w.portal, reverse("portal:home"))
    due = home.select_one(f'[data-kind="due"] .todo-item[data-number="{pi.number}"]')
    if truth.state in OPEN_STATES:  # listed among the amounts due, with what is still due
        assert usd(truth.balance) in text(due)
    else:
        assert due is None
    owed = home.select_one(f'.balance-amount[data-currency="{USD}"]')
    if truth.account:
        assert text(owed).endswith(usd(truth.account))
    else:
        assert owed is None and home.select_one(".balance-settled") is not None

    portal_invoices = soup(w.portal, reverse("portal:invoices"))
    if sent:
        row = pi_row(portal_invoices, pi)
        assert state_of(row) == truth.state
        assert text(row.select_one(".pi-outstanding")).startswith(usd(truth.balance))
        portal_order = soup(w.portal, reverse("portal:order-detail", args=[pi.order_id]))
        assert state_of(portal_order.select_one("#proforma-invoice")) == truth.state
        outstanding = portal_order.select_one("#proforma-invoice .pi-outstanding")
        assert text(outstanding) == usd(truth.balance)
    else:  # a draft stays with the sales team
        assert portal_invoices.select_one(f'tr[data-number="{pi.number}"]') is None
    statement = soup(w.portal, reverse("portal:statements"))
    assert text(statement.select_one(".statement-closing-balance")) == usd(truth.account)

    # The services read the same definition the pages do.
    money_row = ProformaInvoice.objects.with_amounts().values("state", "balance").get(pk=pi.pk)
    assert (money_row["state"], money_row["balance"]) == (truth.state, truth.balance)
    is_open = ProformaInvoice.objects.open().filter(pk=pi.pk).exists()
    assert is_open == (truth.state in OPEN_STATES)


def _amount(shown: str) -> Decimal:
    digits = "".join(c for c in shown if c.isdigit() or c in ".-")
    return Decimal(digits or "0")


# --- The paths -----------------------------------------------------------------------------------


def test_paid_in_full(world):
    pi = sent_pi(world, "1000.00")
    assert_pages(world, pi, Truth(PiState.UNPAID, Decimal(0), Decimal(1000), Decimal(1000)))

    payment = pay(world, pi, "1000.00", confirm=False)
    assert recipients("payment_uploaded") == [world.owner.email]
    assert_pages(
        world,
        pi,
        Truth(
            PiState.UNPAID,
            Decimal(0),
            Decimal(1000),
            Decimal(1000),
            payments=(("pending", Decimal(1000)),),
        ),
    )

    confirm_payment(payment=payment, by=world.owner)
    assert recipients("payment_confirmed") == [world.buyer.email]
    assert Order.objects.get(pk=pi.order_id).status == Order.Status.PAID
    assert_pages(world, pi, Truth.paid_in_full(1000))


def test_two_partial_payments(world):
    pi = sent_pi(world, "1000.00")
    pay(world, pi, "400.00")
    assert_pages(
        world,
        pi,
        Truth(
            PiState.PARTLY_PAID,
            Decimal(400),
            Decimal(600),
            Decimal(600),
            payments=(("confirmed", Decimal(400)),),
        ),
    )
    pay(world, pi, "600.00")
    assert Order.objects.get(pk=pi.order_id).status == Order.Status.PAID
    assert recipients("payment_confirmed") == [world.buyer.email] * 2
    assert_pages(world, pi, Truth.paid_in_full(600, 400))


def test_settled_entirely_by_credit(world):
    owed = credit(world.customer, "1000.00", by=world.owner)
    pi = sent_pi(world, "1000.00", account_before=Decimal(-1000))
    # The credit is owed to the customer until it is used: they owe the PI less the credit.
    assert_pages(world, pi, Truth(PiState.UNPAID, Decimal(0), Decimal(1000), Decimal(0)))

    apply_credit(pi=pi, by=world.owner, credit=owed, amount=Decimal("1000.00"))
    assert Order.objects.get(pk=pi.order_id).status == Order.Status.PAID
    assert_pages(world, pi, Truth(PiState.CREDITED, Decimal(1000), Decimal(0), Decimal(0)))
    order_page = soup(world.staff, reverse("sales:order-detail", args=[pi.order_id]))
    settled = text(order_page.select_one("#proforma-invoice .pi-payments"))
    assert "Settled by credit" in settled and "No payment proofs yet" not in settled
    assert recipients("payment_uploaded") == []  # no proof was asked for


def test_cancelled_after_a_payment_turns_the_money_into_credit(world):
    pi = sent_pi(world, "1000.00")
    pay(world, pi, "400.00")
    cancellation = cancel(world, pi)

    assert cancellation.credit.amount == Decimal("400.000")
    assert cancellation.reversed_amount == Decimal("600.000")
    # The PI is void: nothing is due on it; the 400 received is now owed back as credit.
    assert_pages(
        world,
        pi,
        Truth(
            PiState.VOID,
            Decimal(400),
            Decimal(0),
            Decimal(-400),
            payments=(("confirmed", Decimal(400)),),
        ),
    )
    assert recipients("order_cancelled") == []  # the cancellation's own emails say it


def test_cancelled_before_any_payment(world):
    pi = sent_pi(world, "1000.00")
    cancellation = cancel(world, pi)

    assert cancellation.credit is None
    assert cancellation.reversed_amount == Decimal("1000.000")
    assert_pages(world, pi, Truth(PiState.VOID, Decimal(0), Decimal(0), Decimal(0)))
    row = pi_row(soup(world.staff, reverse("sales:pi-list")), pi)
    assert "Void" in text(row)
