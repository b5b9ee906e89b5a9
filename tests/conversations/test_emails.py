"""`message_received`: every new message emails the other side, each person with a button to
their own side; internal notes email nobody; a failing email never loses the message."""

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from conversations.audience import conversation_readers, order_readers
from conversations.models import Conversation, Message
from conversations.services import (
    add_note,
    close_ticket,
    open_ticket,
    post_message,
    write_on_order,
)
from notifications import tasks
from notifications.models import OutboundEmail
from portal.models import Area
from sales.models import Order
from sales.services.quotations import create_quotation
from tests.conversations.conftest import pdf_file, place, portal_user
from tests.factories import StaffFactory
from tests.helpers import link_in

pytestmark = pytest.mark.django_db


def sent() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event="message_received").order_by("pk"))


def to(emails) -> set[str]:
    return {email.to_email for email in emails}


def ticket_of(customer, user, **kwargs) -> Conversation:
    return open_ticket(
        customer=customer, by=user, subject="Broken panels", body="Two arrived cracked.", **kwargs
    )


# --- Tickets -------------------------------------------------------------------------------------


def test_a_new_ticket_emails_the_assignee_with_a_button_to_the_office(customer, omar, advisor):
    ticket = ticket_of(customer, omar, files=[pdf_file()])
    [email] = sent()
    assert email.to_email == advisor.email
    assert email.subject == f"New message: {ticket.number} Broken panels"
    assert email.from_email.startswith("LUMYTIC | Customer Portal")
    body = email.body_text
    assert "Two arrived cracked." in body and "Acme Trading" in body and "Attachments: 1" in body
    assert link_in(body, "/office/") == f"/office/tickets/{ticket.pk}/"
    assert "View conversation" in body and "/portal/" not in body
    assert f"/office/tickets/{ticket.pk}/" in email.body_html


def test_a_staff_reply_emails_the_opener_with_a_button_to_the_portal(customer, omar, advisor):
    colleague = portal_user(customer, "sara@acme.test")  # may read it, but never wrote in it
    ticket = ticket_of(customer, omar)
    post_message(conversation=ticket, by=advisor, body="We send new ones today.")
    email = sent()[-1]
    assert email.to_email == omar.email and colleague.email not in to(sent())
    assert "We send new ones today." in email.body_text
    assert link_in(email.body_text, "/portal/") == f"/portal/messages/tickets/{ticket.pk}/"
    assert "/office/" not in email.body_text


def test_colleagues_who_wrote_in_a_ticket_hear_the_answers_too(customer, omar, advisor):
    sara = portal_user(customer, "sara@acme.test")
    ticket = ticket_of(customer, omar)
    post_message(conversation=ticket, by=sara, body="Same problem with ours.")
    post_message(conversation=ticket, by=advisor, body="Replacing them all.")
    assert to(sent()[-2:]) == {omar.email, sara.email}


def test_when_nobody_who_wrote_can_read_it_every_reader_of_the_company_is_told(
    customer, omar, advisor
):
    sara = portal_user(customer, "sara@acme.test")
    ticket = ticket_of(customer, omar)
    omar.is_active = False
    omar.save()
    post_message(conversation=ticket, by=advisor, body="Replacing them.")
    assert to(sent()[-1:]) == {sara.email}


def test_a_customer_message_goes_to_the_assignee_else_the_advisor_else_sales_notifications(
    customer, omar, advisor
):
    ticket = ticket_of(customer, omar)
    samir = StaffFactory(email="samir@lumytic.test")
    Conversation.objects.filter(pk=ticket.pk).update(assignee=samir)
    post_message(conversation=ticket, by=omar, body="Any news?")
    assert sent()[-1].to_email == samir.email

    Conversation.objects.filter(pk=ticket.pk).update(assignee=None)
    post_message(conversation=ticket, by=omar, body="Hello?")
    assert sent()[-1].to_email == advisor.email

    notified = StaffFactory(email="sales@lumytic.test", sales_notifications=True)
    StaffFactory(email="quiet@lumytic.test")
    advisor.is_active = False
    advisor.save()
    post_message(conversation=ticket, by=omar, body="Is anyone there?")
    assert to(sent()[-1:]) == {notified.email}


def test_internal_notes_and_closing_email_nobody(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    before = len(sent())
    add_note(conversation=ticket, by=advisor, body="Customer is on credit hold.")
    close_ticket(conversation=ticket, by=advisor)
    assert len(sent()) == before
    assert not OutboundEmail.objects.filter(body_text__contains="credit hold").exists()


def test_a_ticket_about_a_colleagues_order_reaches_only_who_may_see_it(customer, omar, advisor):
    """Under "only show my own orders" a colleague never hears of another's order."""
    buyer = portal_user(customer, "buyer@acme.test", own_orders_only=True)
    hidden = place(customer, omar)
    ticket = ticket_of(customer, omar, order=hidden)
    omar.is_active = False  # the fall-back to every reader still leaves the buyer out
    omar.save()
    all_orders = portal_user(customer, "sara@acme.test")
    post_message(conversation=ticket, by=advisor, body="It ships Monday.")
    assert to(sent()[-1:]) == {all_orders.email}
    assert buyer not in conversation_readers(ticket)


def test_a_ticket_about_a_quotation_needs_the_quotations_area(customer, omar):
    no_quotes = portal_user(customer, "orders-only@acme.test", areas=[Area.ORDERS])
    quotation = create_quotation(
        customer=customer, by=None, lines=[{"description": "X", "quantity": 1}]
    )
    ticket = ticket_of(customer, omar, quotation=quotation)
    readers = conversation_readers(ticket)
    assert omar in readers and no_quotes not in readers


# --- Order threads -------------------------------------------------------------------------------


def test_a_staff_message_on_an_order_reaches_every_portal_user_who_sees_it(
    customer, omar, advisor, other_customer
):
    own_only_placer = portal_user(customer, "placer@acme.test", own_orders_only=True)
    own_only_other = portal_user(customer, "other@acme.test", own_orders_only=True)
    no_orders_area = portal_user(customer, "statements@acme.test", areas=[Area.STATEMENTS])
    gone = portal_user(customer, "gone@acme.test")
    gone.is_active = False
    gone.save()
    stranger = portal_user(other_customer, "eve@else.test")
    order = place(customer, own_only_placer)

    write_on_order(order=order, by=advisor, body="Shall we add brackets?")
    emails = sent()
    assert to(emails) == {omar.email, own_only_placer.email}
    assert not to(emails) & {
        own_only_other.email,
        no_orders_area.email,
        gone.email,
        stranger.email,
    }
    for email in emails:
        assert link_in(email.body_text, "/portal/") == f"/portal/orders/{order.pk}/#conversation"
        assert f"order {order.number}" in email.subject


def test_a_staff_created_order_is_not_seen_by_own_orders_only_users(customer, omar):
    own_only = portal_user(customer, "placer@acme.test", own_orders_only=True)
    order = place(customer, None)
    readers = order_readers(order)
    assert omar in readers and own_only not in readers


def test_an_inactive_customers_users_read_nothing(customer, omar, order):
    customer.is_active = False
    customer.save()
    assert order_readers(order) == []


def test_a_customer_message_on_an_order_goes_to_its_owner_with_an_office_button(
    customer, omar, advisor
):
    owner = StaffFactory(email="owner@lumytic.test")
    order = place(customer, omar, owner=owner)
    write_on_order(order=order, by=omar, body="Can you deliver on Monday?")
    [email] = sent()
    assert email.to_email == owner.email
    assert link_in(email.body_text, "/office/") == f"/office/orders/{order.pk}/#conversation"
    assert "Can you deliver on Monday?" in email.body_text

    Order.objects.filter(pk=order.pk).update(owner=None)
    write_on_order(order=order, by=omar, body="Hello?")
    assert sent()[-1].to_email == advisor.email


# --- Delivery ------------------------------------------------------------------------------------


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@y": (550, b"5.1.1 no such mailbox")})


def test_the_email_goes_out_after_commit(
    customer, omar, advisor, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_of(customer, omar)
    [email] = mailoutbox
    assert email.to == [advisor.email] and ticket.number in email.subject
    assert f"/office/tickets/{ticket.pk}/" in email.body


def test_a_failing_email_never_loses_the_message(
    customer, omar, advisor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.conversations.test_emails.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_of(customer, omar)
    assert Message.objects.filter(conversation=ticket).count() == 1
    [email] = sent()
    assert email.status == OutboundEmail.Status.FAILED  # visible to staff in the Outbox


def test_a_broker_outage_leaves_the_message_and_the_email_for_the_sweep(
    customer, omar, advisor, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.drain_outbox, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_of(customer, omar)
    assert ticket.messages.count() == 1
    [email] = sent()
    assert email.status == OutboundEmail.Status.PENDING and email.enqueued_at is None
