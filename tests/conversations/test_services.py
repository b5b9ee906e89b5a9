"""Conversation services: the status table, who may write what, attachments, internal notes,
order threads and the timeline entries each step leaves."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from conversations.models import ATTACHMENT_MAX_BYTES, Attachment, Conversation, Message
from conversations.services import (
    ConversationError,
    add_note,
    assign_ticket,
    close_ticket,
    open_ticket,
    post_message,
    reopen_ticket,
    write_on_order,
)
from customers.models import ActivityEntry
from lumytic.core.workflow import InvalidTransition
from sales.models import Order
from sales.services.quotations import create_quotation
from tests.conversations.conftest import PDF, pdf_file, place, png, png_file, portal_user
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

Status = Conversation.Status


def ticket_of(customer, user, **kwargs) -> Conversation:
    kwargs.setdefault("subject", "Where is my order?")
    kwargs.setdefault("body", "Hello, when does it ship?")
    return open_ticket(customer=customer, by=user, **kwargs)


# --- The status table ----------------------------------------------------------------------------


def test_the_table_allows_answering_reopening_and_closing_and_nothing_else():
    allowed = {
        (source, target)
        for source in Status
        for target in Status
        if Conversation(kind="ticket", status=source).can_become(target)
    }
    assert allowed == {
        (Status.OPEN, Status.ANSWERED),
        (Status.OPEN, Status.CLOSED),
        (Status.ANSWERED, Status.OPEN),
        (Status.ANSWERED, Status.CLOSED),
        (Status.CLOSED, Status.OPEN),
        (Status.CLOSED, Status.ANSWERED),
    }


def test_an_order_thread_can_never_be_closed():
    for status in (Status.OPEN, Status.ANSWERED):
        assert not Conversation(kind="order", status=status).can_become(Status.CLOSED)


# --- Tickets -------------------------------------------------------------------------------------


def test_a_customer_opens_a_numbered_ticket_assigned_to_the_advisor(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    assert ticket.number.startswith("TCK-") and ticket.number.endswith("-00001")
    assert ticket_of(customer, omar).number.endswith("-00002")
    assert ticket.status == Status.OPEN and ticket.waiting_since is not None
    assert ticket.assignee == advisor and ticket.opened_by == omar
    message = ticket.messages.get()
    assert (message.author, message.from_customer, message.body) == (
        omar,
        True,
        "Hello, when does it ship?",
    )
    assert ticket.last_message == message and ticket.last_message_at == message.created_at


def test_an_inactive_advisor_leaves_the_ticket_unassigned(customer, omar, advisor):
    advisor.is_active = False
    advisor.save()
    assert ticket_of(customer, omar).assignee is None


def test_a_staff_reply_answers_and_a_customer_message_opens_again(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    post_message(conversation=ticket, by=advisor, body="It ships on Thursday.")
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED and ticket.waiting_since is None

    reply = post_message(conversation=ticket, by=omar, body="Thanks, and the invoice?")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.waiting_since == reply.created_at
    post_message(conversation=ticket, by=omar, body="Anyone?")
    ticket.refresh_from_db()
    assert ticket.waiting_since == reply.created_at  # the wait started with the first one


def test_either_side_closes_and_a_customer_message_reopens(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    close_ticket(conversation=ticket, by=omar)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at and ticket.waiting_since is None
    with pytest.raises(InvalidTransition):
        close_ticket(conversation=ticket, by=advisor)

    post_message(conversation=ticket, by=omar, body="One more thing.")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.closed_at is None

    close_ticket(conversation=ticket, by=advisor)
    reopen_ticket(conversation=ticket, by=omar)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.waiting_since is not None


def test_a_staff_reply_on_a_closed_ticket_makes_it_answered(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    close_ticket(conversation=ticket, by=omar)
    post_message(conversation=ticket, by=advisor, body="Glad it is sorted.")
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED


def test_only_a_closed_ticket_is_reopened(customer, omar):
    ticket = ticket_of(customer, omar)
    with pytest.raises(ConversationError):
        reopen_ticket(conversation=ticket, by=omar)


def test_a_ticket_needs_a_subject_and_a_message(customer, omar):
    with pytest.raises(ConversationError, match="subject"):
        ticket_of(customer, omar, subject="   ")
    with pytest.raises(ConversationError, match="Write a message"):
        ticket_of(customer, omar, body=" \n ")
    with pytest.raises(ConversationError, match="at most"):
        ticket_of(customer, omar, body="x" * 10_001)
    assert not Conversation.objects.exists()


def test_a_ticket_is_about_one_of_the_customers_own_documents(
    customer, omar, order, other_customer
):
    ticket = ticket_of(customer, omar, order=order)
    assert ticket.order == order
    foreign_order = place(other_customer)
    with pytest.raises(ConversationError, match="not this customer"):
        ticket_of(customer, omar, order=foreign_order)
    foreign_quotation = create_quotation(
        customer=other_customer, by=None, lines=[{"description": "X", "quantity": 1}]
    )
    with pytest.raises(ConversationError, match="not this customer"):
        ticket_of(customer, omar, quotation=foreign_quotation)
    assert Conversation.objects.count() == 1


def test_a_portal_user_writes_only_in_their_own_companys_conversations(
    customer, omar, other_customer
):
    stranger = portal_user(other_customer, "eve@else.test")
    with pytest.raises(ConversationError):
        ticket_of(customer, stranger)
    ticket = ticket_of(customer, omar)
    with pytest.raises(ConversationError):
        post_message(conversation=ticket, by=stranger, body="Hi")
    with pytest.raises(ConversationError):
        close_ticket(conversation=ticket, by=stranger)
    assert ticket.messages.count() == 1


def test_assigning_a_ticket_records_the_change(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    colleague = StaffFactory(first_name="Samir", last_name="Nasser")
    assign_ticket(conversation=ticket, by=advisor, assignee=colleague)
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    entry = ActivityEntry.objects.filter(verb="ticket assigned").get()
    assert entry.details == {"assignee": ["Lina Farouk", "Samir Nasser"]}
    with pytest.raises(ConversationError):
        assign_ticket(conversation=ticket, by=advisor, assignee=omar)
    with pytest.raises(ConversationError):
        assign_ticket(conversation=ticket, by=omar, assignee=advisor)


# --- Internal notes ------------------------------------------------------------------------------


def test_a_note_changes_no_status_and_only_staff_write_one(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    note = add_note(conversation=ticket, by=advisor, body="Check the stock first.")
    ticket.refresh_from_db()
    assert note.kind == Message.Kind.NOTE and not note.from_customer
    assert ticket.status == Status.OPEN and ticket.last_message != note
    with pytest.raises(ConversationError):
        add_note(conversation=ticket, by=omar, body="Sneaky")


def test_a_customer_visible_reply_never_quotes_a_note(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    note = add_note(conversation=ticket, by=advisor, body="Internal: customer is late paying.")
    with pytest.raises(ConversationError, match="internal note"):
        post_message(conversation=ticket, by=advisor, body="Hi", reply_to=note)
    assert add_note(conversation=ticket, by=advisor, body="Agreed.", reply_to=note).reply_to == note


def test_a_reply_quotes_only_a_message_of_the_same_conversation(customer, omar, advisor):
    first = ticket_of(customer, omar)
    question = first.messages.get()
    second = ticket_of(customer, omar, subject="Another")
    with pytest.raises(ConversationError):
        post_message(conversation=second, by=advisor, body="Hi", reply_to=question)
    reply = post_message(conversation=first, by=advisor, body="Hi", reply_to=question)
    assert reply.reply_to == question


def test_the_database_refuses_a_note_from_the_customer(customer, omar):
    ticket = ticket_of(customer, omar)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            conversation=ticket, kind="note", from_customer=True, author=omar, body="x"
        )


# --- Order threads -------------------------------------------------------------------------------


def test_the_first_message_starts_the_orders_one_thread(customer, omar, advisor, order):
    question = write_on_order(order=order, by=advisor, body="Shall we add brackets?")
    thread = question.conversation
    assert thread.kind == "order" and thread.order == order and thread.customer == customer
    assert thread.status == Status.ANSWERED and thread.number is None
    answer = write_on_order(order=order, by=omar, body="Yes, 12 please.")
    assert answer.conversation == thread
    thread.refresh_from_db()
    assert thread.status == Status.OPEN and thread.last_message == answer
    assert Conversation.objects.filter(order=order).count() == 1
    with pytest.raises(ConversationError):
        add_note(conversation=thread, by=advisor, body="Notes are for tickets.")
    with pytest.raises(InvalidTransition):
        close_ticket(conversation=thread, by=advisor)


def test_a_draft_order_has_no_thread_yet(customer, omar):
    cart = place(customer, omar, submit=False)
    with pytest.raises(ConversationError, match="submitted"):
        write_on_order(order=cart, by=omar, body="Hello")
    assert not Conversation.objects.exists()


def test_the_database_keeps_one_thread_per_order(customer, omar, order):
    write_on_order(order=order, by=omar, body="Hello")
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(kind="order", order=order, customer=customer)


# --- Timelines -----------------------------------------------------------------------------------


def test_order_messages_are_kept_on_the_orders_timeline(customer, omar, advisor, order):
    write_on_order(order=order, by=omar, body="Can you deliver on Monday?")
    entry = ActivityEntry.objects.get(verb="message sent")
    assert entry.target_type == ContentType.objects.get_for_model(Order)
    assert entry.target_id == str(order.pk) and entry.customer == customer
    assert entry.actor == omar and entry.details["message"] == "Can you deliver on Monday?"


def test_ticket_events_are_kept_on_the_customers_timeline(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    post_message(conversation=ticket, by=advisor, body="On it.")
    add_note(conversation=ticket, by=advisor, body="Asked the warehouse.")
    close_ticket(conversation=ticket, by=omar)
    reopen_ticket(conversation=ticket, by=omar)
    verbs = list(
        customer.activity.filter(
            target_type=ContentType.objects.get_for_model(Conversation), target_id=str(ticket.pk)
        )
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "ticket opened",
        "message sent",
        "internal note added",
        "ticket closed",
        "ticket reopened",
    ]


# --- Attachments ---------------------------------------------------------------------------------


def test_attachments_are_kept_with_a_generated_name_size_and_fingerprint(customer, omar):
    ticket = ticket_of(customer, omar, files=[pdf_file("../../etc/Offer.PDF"), png_file("a.png")])
    first, second = Attachment.objects.order_by("pk")
    assert first.message == ticket.messages.get()
    assert first.original_name == "Offer.PDF" and first.size == len(PDF)
    assert len(first.sha256) == 64
    assert first.file.name.startswith("conversations/attachments/")
    assert first.file.name.endswith(".pdf") and "Offer" not in first.file.name
    assert second.file.name.endswith(".png") and second.size == len(png())
    assert first.download_name == "Offer.pdf"


def test_a_png_named_pdf_is_stored_and_offered_as_a_png(customer, omar):
    ticket_of(customer, omar, files=[SimpleUploadedFile("scan.pdf", png())])
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".png") and attachment.download_name == "scan.png"


@pytest.mark.parametrize(
    "files,message",
    [
        ([SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")], "accepted"),
        ([SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")], "accepted"),
        ([SimpleUploadedFile("x.pdf", b"")], "empty"),
        ([SimpleUploadedFile("x.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES)], "too large"),
        ([pdf_file(f"{i}.pdf") for i in range(6)], "at most 5"),
    ],
)
def test_refused_files_leave_nothing_written(customer, omar, files, message):
    with pytest.raises(ConversationError, match=message):
        ticket_of(customer, omar, files=files)
    assert not Conversation.objects.exists() and not Attachment.objects.exists()


def test_a_refused_file_in_a_reply_leaves_the_ticket_as_it_was(customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    with pytest.raises(ConversationError):
        post_message(
            conversation=ticket,
            by=advisor,
            body="See attached",
            files=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")],
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.messages.count() == 1
