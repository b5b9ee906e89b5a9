"""Staff confirm a submitted order for the customer: only a submitted order, row-locked so two
clicks confirm once, one set of emails, and the timeline and the email name who acted."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.urls import reverse

from customers.models import ActivityEntry
from lumytic.core.workflow import InvalidTransition
from notifications.models import OutboundEmail
from sales.models import Order
from sales.services.orders import OrderError, confirm_order, create_order, update_order
from tests.factories import PortalContactFactory, StaffFactory

BILLING = {"first_name": "Omar", "street": "1 Harbour Road", "city": "Dubai", "country": "AE"}


@pytest.fixture
def staff():
    return StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Haddad")


@pytest.fixture
def buyer():
    return PortalContactFactory(
        email="omar@acme.test",
        customer__name="Acme Trading",
        customer__default_currency="USD",
        customer__billing_first_name="Omar",
        customer__billing_street="1 Harbour Road",
        customer__billing_city="Dubai",
        customer__billing_country="AE",
        customer__shipping_same_as_billing=True,
    )


def submitted(buyer) -> Order:
    return create_order(
        customer=buyer.customer,
        by=buyer.user,
        placed_by=buyer.user,
        lines=[{"description": "Desk lamp", "quantity": Decimal("2"), "unit_price": Decimal("40")}],
    )


def confirmations() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event="order_confirmed").order_by("pk"))


@pytest.mark.django_db
def test_staff_confirm_names_who_acted_and_for_whom(usd_site, staff, buyer):
    order = submitted(buyer)
    Order.objects.filter(pk=order.pk).update(owner=staff)
    order.refresh_from_db()

    confirm_order(order=order, by=staff, billing=BILLING)

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    entry = ActivityEntry.objects.filter(verb="order confirmed").get()
    assert entry.actor == staff
    assert entry.details["for"] == "Acme Trading"
    emails = confirmations()
    assert sorted(email.to_email for email in emails) == ["lina@lumytic.test", "omar@acme.test"]
    for email in emails:
        assert "Lina Haddad of the sales team confirmed this order for Acme Trading." in (
            email.body_text
        )


@pytest.mark.django_db
def test_the_customer_confirming_is_told_plainly(usd_site, buyer):
    order = submitted(buyer)
    confirm_order(order=order, by=buyer.user, billing=BILLING)
    [email] = [email for email in confirmations() if email.to_email == "omar@acme.test"]
    assert "The order below has been confirmed." in email.body_text
    assert "of the sales team" not in email.body_text
    assert "for" not in ActivityEntry.objects.get(verb="order confirmed").details


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "confirmed", "pi_sent", "cancelled"])
def test_only_a_submitted_order_can_be_confirmed(usd_site, staff, buyer, status):
    order = submitted(buyer)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    with pytest.raises(InvalidTransition):
        confirm_order(order=order, by=staff, billing=BILLING)
    assert confirmations() == []


@pytest.mark.django_db(transaction=True)
def test_two_staff_confirming_at_once_confirm_once_with_one_set_of_emails(usd_site, buyer):
    order = submitted(buyer)
    first, second = StaffFactory(), StaffFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(by):
        try:
            barrier.wait()
            confirm_order(order=Order.objects.get(pk=order.pk), by=by, billing=BILLING)
            outcomes.append("confirmed")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=confirm, args=(by,)) for by in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["confirmed", "refused"]
    assert ActivityEntry.objects.filter(verb="order confirmed").count() == 1
    recipients = [email.to_email for email in confirmations()]
    assert "omar@acme.test" in recipients
    assert len(recipients) == len(set(recipients))  # one set: each person once


@pytest.mark.django_db
def test_the_office_page_confirms_for_the_customer_with_the_details_prefilled(
    client, usd_site, staff, buyer
):
    order = submitted(buyer)
    client.force_login(staff)
    page = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    url = reverse("sales:order-confirm", args=[order.pk])
    assert url in page

    form = client.get(url)
    assert form.status_code == 200
    assert 'value="Dubai"' in form.content.decode()  # from the customer's profile
    assert 'class="confirm-total">$80.00<' in form.content.decode()

    refused = client.post(url, {**_posted(BILLING), "billing-city": ""})
    assert refused.status_code == 400
    assert "Please correct the errors below." in refused.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED

    response = client.post(url, _posted(BILLING), follow=True)

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    html = response.content.decode()
    assert f"Order {order.number} is confirmed for Acme Trading." in html
    # The timeline names who confirmed, and for whom.
    assert "Lina Haddad" in html and "order confirmed" in html and "Acme Trading" in html
    # The page now says what comes next for staff.
    assert "Issue the proforma invoice and send it to the customer." in html

    again = client.get(url, follow=True)
    assert "only a submitted order can be confirmed" in again.content.decode()


def _posted(address: dict) -> dict:
    return {**{f"billing-{key}": value for key, value in address.items()}, "shipping_same": "on"}


# --- Staff change a submitted order for the customer ---------------------------------------------


def two_lines(buyer) -> Order:
    return create_order(
        customer=buyer.customer,
        by=buyer.user,
        placed_by=buyer.user,
        lines=[
            {"description": "Desk lamp", "quantity": Decimal("2"), "unit_price": Decimal("40")},
            {"description": "Cable", "quantity": Decimal("5"), "unit_price": Decimal("3")},
        ],
    )


@pytest.mark.django_db
def test_staff_change_names_who_acted_and_for_whom(usd_site, staff, buyer):
    order = two_lines(buyer)
    lines = [
        {"description": "Desk lamp", "quantity": Decimal("3"), "unit_price": Decimal("40")},
    ]
    update_order(order=order, by=staff, lines=lines, customer_reference="PO-12")

    order.refresh_from_db()
    assert (order.customer_reference, order.total) == ("PO-12", Decimal("120.00"))
    entry = ActivityEntry.objects.filter(verb="order updated").latest("pk")
    assert entry.actor == staff and entry.details["for"] == "Acme Trading"
    emails = list(OutboundEmail.objects.filter(event="order_updated"))
    recipients = [email.to_email for email in emails]
    assert "omar@acme.test" in recipients and len(recipients) == len(set(recipients))
    for email in emails:
        assert "Lina Haddad of the sales team changed this order for Acme Trading." in (
            email.body_text
        )


@pytest.mark.django_db
def test_a_confirmed_order_is_not_changed(usd_site, staff, buyer):
    order = two_lines(buyer)
    confirm_order(order=order, by=staff, billing=BILLING)
    with pytest.raises(OrderError):
        update_order(order=order, by=staff, lines=[], notes="late change")
    order.refresh_from_db()
    assert order.notes == "" and order.lines.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_change_racing_a_confirmation_never_slips_in_after_it(usd_site, buyer):
    """The row lock orders them: either the change lands first and the confirmation freezes
    the changed total, or the confirmation wins and the change is refused."""
    order = two_lines(buyer)
    editor, confirmer = StaffFactory(), StaffFactory()
    barrier = threading.Barrier(2)
    outcomes = {}
    changed = [{"description": "Desk lamp", "quantity": Decimal("10"), "unit_price": Decimal("40")}]

    def edit():
        try:
            barrier.wait()
            update_order(order=Order.objects.get(pk=order.pk), by=editor, lines=changed)
            outcomes["edit"] = "done"
        except OrderError:
            outcomes["edit"] = "refused"
        finally:
            close_old_connections()

    def confirm():
        try:
            barrier.wait()
            confirm_order(order=Order.objects.get(pk=order.pk), by=confirmer, billing=BILLING)
            outcomes["confirm"] = "done"
        finally:
            close_old_connections()

    threads = [threading.Thread(target=edit), threading.Thread(target=confirm)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    order.refresh_from_db()
    assert outcomes["confirm"] == "done" and order.status == Order.Status.CONFIRMED
    expected = Decimal("400.00") if outcomes["edit"] == "done" else Decimal("95.00")
    assert order.total == expected
    assert order.total_base == order.total  # frozen at confirmation from the lines it saw (USD)


@pytest.mark.django_db
def test_the_office_page_changes_a_submitted_order_for_the_customer(client, usd_site, staff, buyer):
    order = two_lines(buyer)
    lamp, cable = order.lines.order_by("pk")
    client.force_login(staff)
    url = reverse("sales:order-edit", args=[order.pk])
    assert url in client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    form = client.get(url).content.decode()
    assert f'name="quantity-{lamp.pk}" id="id_quantity-{lamp.pk}" value="2"' in form

    for data, message in (
        ({f"quantity-{lamp.pk}": "abc", f"quantity-{cable.pk}": "5"}, "Enter a number."),
        (
            {
                f"quantity-{lamp.pk}": "2",
                f"quantity-{cable.pk}": "5",
                f"remove-{lamp.pk}": "on",
                f"remove-{cable.pk}": "on",
            },
            "An order needs at least one line; cancel it instead.",
        ),
    ):
        refused = client.post(url, data)
        assert refused.status_code == 400 and message in refused.content.decode()
    assert order.lines.count() == 2 and not OutboundEmail.objects.filter(event="order_updated")

    response = client.post(
        url,
        {
            f"quantity-{lamp.pk}": "4",
            f"quantity-{cable.pk}": "5",
            f"remove-{cable.pk}": "on",
            "customer_reference": "PO-12",
            "notes": "Phoned in by Omar",
        },
        follow=True,
    )
    order.refresh_from_db()
    assert [(line.description, line.quantity) for line in order.lines.all()] == [
        ("Desk lamp", Decimal("4"))
    ]
    assert (order.customer_reference, order.notes) == ("PO-12", "Phoned in by Omar")
    assert order.status == Order.Status.SUBMITTED
    assert f"Order {order.number} is changed for Acme Trading; they are told." in (
        response.content.decode()
    )

    Order.objects.filter(pk=order.pk).update(status=Order.Status.CONFIRMED)
    again = client.get(url, follow=True).content.decode()
    assert "only a submitted order can be changed here" in again
