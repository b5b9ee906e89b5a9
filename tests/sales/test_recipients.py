"""Nobody is silently left out of a staff email: the fallback chain of DESIGN.md §2 (advisor or
owner, then the order owner, then the sales-notification staff, then the admins), and the email
content that seed 001 lists."""

from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import CustomerGroup
from lumytic.accounts.audience import staff_audience
from notifications.models import OutboundEmail
from portal.services.registrations import approve_registration
from sales.models import Cancellation, Memo, Order, Quotation
from sales.services.cancellations import request_cancellation, upload_signed_cancellation
from sales.services.invoicing import upload_signed_pi
from sales.services.memos import upload_signed_memo, write_memo
from sales.services.orders import create_order
from sales.services.quotations import accept_quotation, create_quotation
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.portal.factories import RegistrationFactory
from tests.sales.helpers import approved_pi, pay, proof

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media"),
]  # uploads go to a temporary folder
LINES = [{"description": "Pallet jack", "quantity": Decimal("2"), "unit_price": Decimal("450")}]


def recipients_of(event: str) -> list[str]:
    return list(
        OutboundEmail.objects.filter(event=event).order_by("pk").values_list("to_email", flat=True)
    )


def only_email(event: str) -> OutboundEmail:
    (email,) = OutboundEmail.objects.filter(event=event)
    return email


@pytest.fixture
def sales_team():
    return StaffFactory(email="sales@lumytic.test", sales_notifications=True)


@pytest.fixture
def admin():
    return StaffFactory(email="admin@lumytic.test", is_superuser=True, is_staff=True)


@pytest.fixture
def orphan():
    """A portal user of a customer without an advisor."""
    return PortalContactFactory(customer__advisor=None, customer__default_currency="USD").user


# --- The one fallback ----------------------------------------------------------------------------


def test_the_wanted_active_staff_come_first(sales_team, admin):
    advisor = StaffFactory()
    assert staff_audience(wanted=[advisor, None, advisor], owner=StaffFactory()) == [advisor]


def test_inactive_and_portal_people_are_skipped_down_the_chain(sales_team, admin):
    gone = StaffFactory(is_active=False)
    customer_login = PortalContactFactory().user
    StaffFactory(email="former@lumytic.test", sales_notifications=True, is_active=False)

    assert staff_audience(wanted=[gone, customer_login], owner=gone) == [sales_team]


def test_without_sales_notification_staff_the_admins_get_it(admin):
    StaffFactory(email="plain@lumytic.test")  # staff without the flag is not a fallback
    admin_site_only = StaffFactory(email="site@lumytic.test", is_staff=True)
    StaffFactory(email="old-admin@lumytic.test", is_superuser=True, is_active=False)

    assert staff_audience(wanted=[None]) == [admin, admin_site_only]


def test_with_no_staff_at_all_the_audience_is_empty():
    StaffFactory(is_active=False, sales_notifications=True)
    assert staff_audience() == []


# --- order_new down the chain --------------------------------------------------------------------


def test_order_new_without_an_advisor_goes_to_the_order_owner(orphan, sales_team, admin):
    StaffFactory(email="owner@lumytic.test")
    owner = StaffFactory(email="owner2@lumytic.test")

    create_order(
        customer=orphan.contact.customer, by=orphan, placed_by=orphan, owner=owner, lines=LINES
    )

    assert recipients_of("order_new") == ["owner2@lumytic.test"]


def test_order_new_without_advisor_or_owner_goes_to_the_sales_notification_staff(
    orphan, sales_team, admin
):
    create_order(customer=orphan.contact.customer, by=orphan, placed_by=orphan, lines=LINES)
    assert recipients_of("order_new") == ["sales@lumytic.test"]


def test_order_new_without_sales_notification_staff_goes_to_the_admins(orphan, admin):
    create_order(customer=orphan.contact.customer, by=orphan, placed_by=orphan, lines=LINES)
    assert recipients_of("order_new") == ["admin@lumytic.test"]


def test_order_new_skips_an_inactive_advisor(sales_team):
    contact = PortalContactFactory(customer__advisor=StaffFactory(is_active=False))
    user = contact.user
    create_order(customer=contact.customer, by=user, placed_by=user, lines=LINES)
    assert recipients_of("order_new") == ["sales@lumytic.test"]


def test_order_new_with_nobody_at_all_is_kept_as_failed_in_the_outbox(orphan):
    create_order(customer=orphan.contact.customer, by=orphan, placed_by=orphan, lines=LINES)

    email = only_email("order_new")
    assert email.status == OutboundEmail.Status.FAILED
    assert email.to_email == "" and email.sent_at is None


# --- Every staff email of a customer made by approving a registration ----------------------------


@pytest.fixture
def approved_customer_user(sales_team):
    """The portal login of a customer created by approving a signup whose advisor has since left
    (deactivated): no reachable advisor, and the orders' owner is that same person."""
    advisor = StaffFactory()
    customer = approve_registration(
        registration=RegistrationFactory(),
        by=StaffFactory(),
        advisor=advisor,
        group=CustomerGroup.default(),
    )
    advisor.is_active = False
    advisor.save(update_fields=["is_active"])
    return customer.contacts.get(is_primary=True).user


def _order_new(user):
    create_order(customer=user.contact.customer, by=user, placed_by=user, lines=LINES)


def _order_from_quotation(user):
    quotation = create_quotation(customer=user.contact.customer, by=StaffFactory(), lines=LINES)
    Quotation.objects.filter(pk=quotation.pk).update(status=Quotation.Status.SENT)
    accept_quotation(quotation=quotation, by=user)


def _pi_signed(user):
    pi = approved_pi(user.contact.customer, user, None, status=Order.Status.PI_SENT)
    upload_signed_pi(pi=pi, by=user, file=proof(name="signed.pdf"))


def _memo_signed(user):
    pi = approved_pi(user.contact.customer, user, None)
    memo = write_memo(pi=pi, by=StaffFactory(), text="Pay to the new account.")
    Memo.objects.filter(pk=memo.pk).update(status=Memo.Status.SENT, sent_at=timezone.now())
    Order.objects.filter(pk=pi.order_id).update(status=Order.Status.MEMO_SENT)
    upload_signed_memo(memo=memo, by=user, file=proof(name="memo.pdf"))


def _payment_uploaded(user):
    pay(approved_pi(user.contact.customer, user, None), user, "100")


def _cancellation_signed(user):
    pi = approved_pi(user.contact.customer, user, None)
    cancellation = request_cancellation(order=pi.order, by=user, reason="Not needed any more.")
    Cancellation.objects.filter(pk=cancellation.pk).update(
        status=Cancellation.Status.CONFIRMED, number="CXL-2026-00001"
    )
    upload_signed_cancellation(cancellation=cancellation, by=user, file=proof(name="cxl.pdf"))


@pytest.mark.parametrize(
    ("event", "step"),
    [
        ("order_new", _order_new),
        ("order_from_quotation", _order_from_quotation),
        ("pi_signed", _pi_signed),
        ("memo_signed", _memo_signed),
        ("payment_uploaded", _payment_uploaded),
        ("cancellation_signed", _cancellation_signed),
    ],
)
def test_staff_emails_of_an_approved_signup_reach_the_sales_team(
    approved_customer_user, event, step
):
    step(approved_customer_user)

    email = only_email(event)
    assert email.to_email == "sales@lumytic.test"
    assert email.status != OutboundEmail.Status.FAILED
    assert "/office/" in email.body_text  # the staff button opens the back-office page


def test_cancellation_emails_fall_back_to_the_order_owner_before_the_sales_team(orphan, sales_team):
    owner = StaffFactory(email="owner@lumytic.test")
    pi = approved_pi(orphan.contact.customer, orphan, owner)
    Cancellation.objects.create(order=pi.order, customer=pi.order.customer, reason="x")
    cancellation = Cancellation.objects.get(order=pi.order)
    Cancellation.objects.filter(pk=cancellation.pk).update(
        status=Cancellation.Status.CONFIRMED, number="CXL-2026-00009"
    )

    upload_signed_cancellation(cancellation=cancellation, by=orphan, file=proof(name="cxl.pdf"))

    assert recipients_of("cancellation_signed") == ["owner@lumytic.test"]


# --- Content (seed 001) --------------------------------------------------------------------------


def test_payment_uploaded_names_the_latest_sent_memo(orphan, sales_team):
    pi = approved_pi(orphan.contact.customer, orphan, None)
    staff = StaffFactory()
    first = write_memo(pi=pi, by=staff, text="First instructions.")
    Memo.objects.filter(pk=first.pk).update(status=Memo.Status.SENT)
    second = write_memo(pi=pi, by=staff, text="Second instructions.")
    Memo.objects.filter(pk=second.pk).update(status=Memo.Status.SENT)
    draft = write_memo(pi=pi, by=staff, text="Not sent yet.")

    pay(pi, orphan, "100")

    text = only_email("payment_uploaded").body_text
    assert pi.order.number in text and pi.number in text
    assert f"Memo: {second.number}" in text
    assert first.number not in text and draft.number not in text


def test_payment_uploaded_without_a_memo_has_no_memo_line(orphan, sales_team):
    pay(approved_pi(orphan.contact.customer, orphan, None), orphan, "100")
    assert "Memo:" not in only_email("payment_uploaded").body_text


def test_order_new_from_a_customer_says_a_customer_placed_it(orphan, sales_team):
    create_order(customer=orphan.contact.customer, by=orphan, placed_by=orphan, lines=LINES)
    assert "A customer has placed a new order." in only_email("order_new").body_text


def test_order_new_entered_by_staff_names_the_staff_member_and_the_customer(sales_team):
    customer = CustomerFactory(name="Falcon Logistics", advisor=sales_team)
    staff = StaffFactory(first_name="Lina", last_name="Haddad")

    create_order(customer=customer, by=staff, lines=LINES)

    email = only_email("order_new")
    assert "Lina Haddad of the sales team entered this order for Falcon Logistics." in (
        email.body_text
    )
    assert "A customer has placed" not in email.body_text
    assert "Lina Haddad of the sales team" in email.body_html


def test_order_from_quotation_accepted_by_staff_names_the_staff_member(sales_team):
    customer = CustomerFactory(name="Falcon Logistics", advisor=sales_team)
    staff = StaffFactory(first_name="Lina", last_name="Haddad")
    quotation = create_quotation(customer=customer, by=staff, lines=LINES)
    Quotation.objects.filter(pk=quotation.pk).update(status=Quotation.Status.SENT)

    accept_quotation(quotation=quotation, by=staff)

    text = only_email("order_from_quotation").body_text
    assert (
        "Lina Haddad of the sales team entered this order from a quotation for Falcon Logistics."
        in text
    )
    assert quotation.number in text


def test_order_from_quotation_accepted_in_the_portal_says_a_customer_placed_it(orphan, sales_team):
    quotation = create_quotation(customer=orphan.contact.customer, by=StaffFactory(), lines=LINES)
    Quotation.objects.filter(pk=quotation.pk).update(status=Quotation.Status.SENT)

    accept_quotation(quotation=quotation, by=orphan)

    text = only_email("order_from_quotation").body_text
    assert "A customer has placed a new order from a quotation." in text
