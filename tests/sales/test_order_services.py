"""Order services: every transition allowed and refused, totals, rates, emails, a property test."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from customers.models import ActivityEntry
from lumytic.core.workflow import InvalidTransition, StepRefused
from notifications.models import OutboundEmail
from sales.models import Order, Product
from sales.services.orders import (
    OrderError,
    assign_owner,
    cancel_order,
    catalogue_line,
    confirm_order,
    create_order,
    submit_order,
    update_order,
)
from tests.factories import (
    CustomerFactory,
    PortalContactFactory,
    PortalUserFactory,
    StaffFactory,
)
from tests.sales.helpers import BILLING, customer_rate, line

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


@pytest.fixture
def advisor():
    return StaffFactory(email="advisor@lumytic.test", first_name="Lina")


@pytest.fixture
def buyer(advisor):
    """A portal user placing orders for a USD customer advised by `advisor`."""
    contact = PortalContactFactory(
        customer__advisor=advisor, customer__default_currency="USD", email="omar@acme.test"
    )
    return contact.user


def emails(event: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event=event).order_by("pk"))


def test_a_submitted_order_gets_a_number_totals_and_emails_the_advisor(buyer, advisor):
    customer = buyer.contact.customer
    order = create_order(
        customer=customer,
        by=buyer,
        placed_by=buyer,
        lines=[line(), line("Widget", "1", "5.50", discount="10")],
    )
    assert order.status == Order.Status.SUBMITTED
    assert order.number.startswith(f"SO-{date.today().year}-")
    assert (order.subtotal, order.discount_total, order.tax_total, order.total) == (
        Decimal("25.50"),
        Decimal("0.55"),
        Decimal("1.25"),
        Decimal("26.20"),
    )
    assert order.owner == advisor
    [email] = emails("order_new")
    assert email.to_email == "advisor@lumytic.test"
    assert order.number in email.subject and customer.name in email.subject
    assert customer.name in email.body_text and order.number in email.body_text
    assert f"/office/orders/{order.pk}/" in email.body_text
    assert ActivityEntry.objects.filter(verb="order submitted", target_id=str(order.pk)).exists()


def test_a_cart_stays_a_draft_without_a_number_until_submitted(buyer):
    order = create_order(
        customer=buyer.contact.customer, by=buyer, placed_by=buyer, lines=[line()], submit=False
    )
    assert order.status == Order.Status.DRAFT and order.number is None
    assert not emails("order_new")
    submit_order(order=order, by=buyer)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.number


@pytest.mark.parametrize(
    "lines,message",
    [([], "at least one line"), ([line(quantity="0")], "quantity above zero")],
)
def test_an_order_without_proper_lines_is_refused(buyer, lines, message):
    with pytest.raises(OrderError, match=message):
        create_order(customer=buyer.contact.customer, by=buyer, lines=lines)
    assert not Order.objects.exists()


def test_an_inactive_customer_cannot_order(buyer):
    customer = buyer.contact.customer
    customer.is_active = False
    customer.save()
    with pytest.raises(OrderError):
        create_order(customer=customer, by=buyer, lines=[line()])


def test_update_before_confirmation_recomputes_and_emails_customer_and_owner(buyer, advisor):
    order = create_order(customer=buyer.contact.customer, by=buyer, placed_by=buyer, lines=[line()])
    update_order(order=order, by=buyer, lines=[line(quantity="5")])
    order.refresh_from_db()
    assert order.total == Decimal("52.50") and order.lines.get().quantity == Decimal("5")
    email = emails("order_updated")[0]
    recipients = set(
        OutboundEmail.objects.filter(event="order_updated").values_list("to_email", flat=True)
    )
    assert recipients == {"omar@acme.test", "advisor@lumytic.test"}
    assert order.number in email.subject
    entry = ActivityEntry.objects.get(verb="order updated")
    assert entry.details["lines"] == ["2 × Widget", "5 × Widget"]


def test_confirm_freezes_addresses_rate_and_emails_both_sides(buyer, advisor):
    order = create_order(customer=buyer.contact.customer, by=buyer, placed_by=buyer, lines=[line()])
    confirm_order(order=order, by=buyer, billing=BILLING)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.confirmed_at
    assert order.shipping_city == "Dubai"  # same as billing
    assert (order.base_currency, order.exchange_rate, order.rate_source) == ("USD", 1, "base")
    assert order.total_base == order.total
    confirmed = emails("order_confirmed")
    assert {e.to_email for e in confirmed} == {"omar@acme.test", "advisor@lumytic.test"}
    assert "Omar Khalil" in confirmed[0].body_text and "Dubai" in confirmed[0].body_text


def test_confirm_in_another_currency_stores_the_days_rate_and_a_customer_rate_wins(
    buyer, add_rate, today
):

    today(DAY)
    add_rate("EUR", "0.8", on=DAY)
    customer = buyer.contact.customer
    order = create_order(customer=customer, by=buyer, lines=[line()], currency="EUR")
    confirm_order(order=order, by=buyer, billing=BILLING, on=DAY)
    order.refresh_from_db()
    assert order.exchange_rate == Decimal("1.25") and order.rate_source == "daily"
    assert order.total_base == Decimal("26.25")  # 21.00 EUR / 0.8

    customer_rate(customer, "EUR", "0.75", DAY, by=StaffFactory())
    second = create_order(customer=customer, by=buyer, lines=[line()], currency="EUR")
    confirm_order(order=second, by=buyer, billing=BILLING, on=DAY)
    second.refresh_from_db()
    assert second.rate_source == "customer" and second.total_base == Decimal("28.00")


def test_confirm_without_a_rate_is_refused_and_changes_nothing(buyer):
    order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()], currency="EUR")
    with pytest.raises(OrderError, match="no exchange rate for EUR"):
        confirm_order(order=order, by=buyer, billing=BILLING, on=DAY)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.billing_city == ""


def test_a_confirmed_order_cannot_be_updated_or_cancelled_directly(buyer):
    order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()])
    confirm_order(order=order, by=buyer, billing=BILLING)
    with pytest.raises(OrderError, match="cancellation order"):
        update_order(order=order, by=buyer, lines=[line(quantity="9")])
    with pytest.raises(OrderError, match="cancellation order"):
        cancel_order(order=order, by=buyer)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.total == Decimal("21.00")


def test_confirming_twice_or_a_draft_is_an_invalid_transition(buyer):
    draft = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()], submit=False)
    with pytest.raises(InvalidTransition, match="cannot become confirmed"):
        confirm_order(order=draft, by=buyer, billing=BILLING)
    order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()])
    confirm_order(order=order, by=buyer, billing=BILLING)
    with pytest.raises(InvalidTransition):
        confirm_order(order=order, by=buyer, billing=BILLING)


def test_cancel_before_confirmation_emails_both_sides(buyer, advisor):
    order = create_order(customer=buyer.contact.customer, by=buyer, placed_by=buyer, lines=[line()])
    cancel_order(order=order, by=buyer, reason="Ordered twice")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancel_reason == "Ordered twice"
    cancelled = emails("order_cancelled")
    assert {e.to_email for e in cancelled} == {"omar@acme.test", "advisor@lumytic.test"}
    assert "Ordered twice" in cancelled[0].body_text
    with pytest.raises(InvalidTransition):
        submit_order(order=order, by=buyer)


def test_a_draft_cart_is_cancelled_quietly(buyer):
    order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()], submit=False)
    cancel_order(order=order, by=buyer)
    assert not emails("order_cancelled")


def test_owner_must_be_active_staff(buyer):
    order = create_order(customer=buyer.contact.customer, by=buyer, lines=[line()])
    staff = StaffFactory(first_name="Samir")
    assign_owner(order=order, by=staff, owner=staff)
    order.refresh_from_db()
    assert order.owner == staff
    with pytest.raises(OrderError):
        assign_owner(order=order, by=staff, owner=PortalUserFactory())
    assert ActivityEntry.objects.filter(verb="owner changed").count() == 1


def test_catalogue_line_prices_in_the_order_currency_with_the_customer_discount(add_rate, today):
    today(DAY)
    add_rate("EUR", "0.8", on=DAY)
    customer = CustomerFactory(discount_type="percent", discount_value=Decimal("5"))
    product = Product.objects.create(
        sku="W-1", name="Widget", unit_price=Decimal("8.00"), currency="EUR", tax_rate=Decimal("5")
    )
    result = catalogue_line(
        product=product, quantity=Decimal("3"), customer=customer, currency="USD", on=DAY
    )
    assert result["unit_price"] == Decimal("10.00")
    assert result["discount_percent"] == Decimal("5") and result["tax_rate"] == Decimal("5")


def test_the_transition_table_only_names_real_statuses():
    statuses = set(Order.Status.values)
    for source, targets in Order.ALLOWED_TRANSITIONS.items():
        assert source in statuses and targets <= statuses
    # A paid order only ever leaves "paid" through a completed cancellation order.
    assert Order.ALLOWED_TRANSITIONS[Order.Status.PAID] == {Order.Status.CANCELLED}
    assert Order.Status.CANCELLED not in Order.ALLOWED_TRANSITIONS  # final


# A property: whatever customers and staff try, in any order, the order only ever moves along
# the transition table, and once confirmed its lines and totals never change.
ACTIONS = st.lists(
    st.sampled_from(["submit", "update", "confirm", "cancel", "owner"]), min_size=1, max_size=8
)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(actions=ACTIONS, quantities=st.lists(st.integers(1, 50), min_size=8, max_size=8))
def test_random_actions_follow_the_table_and_never_change_a_confirmed_order(
    buyer, actions, quantities
):
    customer = buyer.contact.customer
    order = create_order(customer=customer, by=buyer, lines=[line()], submit=False)
    frozen = None
    for action, quantity in zip(actions, quantities, strict=False):
        before = Order.objects.get(pk=order.pk).status
        try:
            if action == "submit":
                submit_order(order=order, by=buyer)
            elif action == "update":
                update_order(order=order, by=buyer, lines=[line(quantity=str(quantity))])
            elif action == "confirm":
                confirm_order(order=order, by=buyer, billing=BILLING)
            elif action == "cancel":
                cancel_order(order=order, by=buyer)
            else:
                # Staff assign owners (a customer's user may not: sales.change_order).
                assign_owner(order=order, by=customer.advisor, owner=customer.advisor)
        except StepRefused:  # a refused step: an OrderError or an InvalidTransition
            pass
        current = Order.objects.get(pk=order.pk)
        after = current.status
        assert after == before or after in Order.ALLOWED_TRANSITIONS[before], (before, after)
        if after not in Order.OPEN and after != Order.Status.CANCELLED:
            snapshot = (current.total, list(current.lines.values_list("quantity", flat=True)))
            frozen = frozen or snapshot
            assert snapshot == frozen


def test_three_decimal_currencies_keep_their_fils(buyer):
    """KWD has three decimals: totals are rounded to them and stored without losing any."""
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        lines=[line(quantity="3", price="1.234", tax="5")],
        currency="KWD",
    )
    order.refresh_from_db()
    assert order.subtotal == Decimal("3.702") and order.tax_total == Decimal("0.185")
    assert order.total == Decimal("3.887")
