"""Portal messages: the company's tickets and threads only, "only show my own orders" honoured,
internal notes never shown or downloadable, a new ticket about one's own documents only, reply,
close and reopen, the thread on the portal order page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversations.models import Attachment, Conversation, Message
from conversations.services import add_note, post_message, write_on_order
from portal.models import Area
from sales.services.quotations import create_quotation
from tests.conversations.conftest import (
    PDF,
    pdf_file,
    place,
    png_file,
    portal_user,
    ticket_of,
    titles,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LIST = reverse("portal:conversations")
NEW = reverse("portal:ticket-create")


@pytest.fixture
def signed_in(client, omar):
    client.force_login(omar)
    return omar


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_the_companys_tickets_and_threads_and_nothing_else(
    client, signed_in, customer, omar, other_customer
):
    colleague = portal_user(customer, "sara@acme.test")
    ticket_of(customer, colleague, subject="A colleague's ticket")
    ticket_of(customer, omar, subject="My ticket")
    order = place(customer, omar)
    write_on_order(order=order, by=omar, body="About my order")
    stranger = portal_user(other_customer, "eve@else.test")
    ticket_of(other_customer, stranger, subject="Someone else's ticket")

    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(
        ["A colleague's ticket", "My ticket", f"Order {order.number}"]
    )
    html = response.content.decode()
    assert "Someone else" not in html
    assert f"/portal/orders/{order.pk}/#conversation" in html


def test_the_list_filters_by_status_and_kind_and_paginates(client, signed_in, customer, omar):
    for index in range(21):
        ticket_of(customer, omar, subject=f"Ticket {index:02}")
    answered = ticket_of(customer, omar, subject="Answered one")
    post_message(conversation=answered, by=StaffFactory(), body="Done")
    write_on_order(order=place(customer, omar), by=omar, body="Question")
    assert titles(client.get(LIST, {"status": "answered"})) == ["Answered one"]
    assert len(titles(client.get(LIST, {"kind": "order"}))) == 1
    first, second = client.get(LIST), client.get(LIST, {"page": 2})
    assert len(titles(first)) == 20 and len(titles(second)) == 3
    assert client.get(LIST, {"status": "bogus"}).status_code == 200


def test_the_list_has_an_empty_state_and_the_navigation_an_entry(client, signed_in):
    html = client.get(LIST).content.decode()
    assert "No messages yet." in html and NEW in html
    assert f'href="{LIST}"' in client.get(reverse("portal:home")).content.decode()


def test_own_orders_only_hides_colleagues_order_threads_and_tickets_about_them(
    client, customer, omar
):
    buyer = portal_user(customer, "buyer@acme.test", own_orders_only=True)
    theirs = place(customer, omar)
    write_on_order(order=theirs, by=omar, body="About Omar's order")
    ticket_of(customer, omar, subject="About Omar's order", order=theirs)
    mine = place(customer, buyer)
    write_on_order(order=mine, by=buyer, body="About mine")
    ticket_of(customer, omar, subject="General question")
    client.force_login(buyer)
    assert sorted(titles(client.get(LIST))) == ["General question", f"Order {mine.number}"]
    hidden = Conversation.objects.get(subject="About Omar's order")
    assert client.get(reverse("portal:ticket-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("portal:order-thread", args=[theirs.pk])).status_code == 404


def test_without_the_orders_area_order_threads_are_hidden(client, customer, omar, order):
    write_on_order(order=order, by=omar, body="About the order")
    statements_only = portal_user(customer, "finance@acme.test", areas=[Area.STATEMENTS])
    client.force_login(statements_only)
    assert titles(client.get(LIST)) == []
    assert client.get(reverse("portal:order-thread", args=[order.pk])).status_code == 403


# --- A new ticket --------------------------------------------------------------------------------


def test_a_customer_opens_a_ticket_about_an_order_with_attachments(
    client, signed_in, customer, omar, order, advisor
):
    form = client.get(NEW, {"order": order.pk})
    html = form.content.decode()
    assert f'value="order:{order.pk}" selected' in html
    response = client.post(
        NEW,
        {
            "subject": "Two panels arrived cracked",
            "related": f"order:{order.pk}",
            "body": "Photos attached.",
            "files": [pdf_file("delivery-note.pdf"), png_file("crack.png")],
        },
    )
    ticket = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:ticket-detail", args=[ticket.pk])
    assert ticket.order == order and ticket.customer == customer and ticket.opened_by == omar
    assert ticket.assignee == advisor and ticket.status == "open"
    assert Attachment.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Two panels arrived cracked" in page and "crack.png" in page


def test_a_ticket_about_a_quotation_the_user_may_see(client, signed_in, customer):
    quotation = create_quotation(
        customer=customer, by=None, lines=[{"description": "X", "quantity": 1}]
    )
    draft_choice = f"quotation:{quotation.pk}"
    assert draft_choice not in client.get(NEW).content.decode()  # drafts are hidden
    type(quotation).objects.filter(pk=quotation.pk).update(status="sent")
    assert draft_choice in client.get(NEW).content.decode()
    client.post(NEW, {"subject": "Discount?", "related": draft_choice, "body": "Any discount?"})
    assert Conversation.objects.get().quotation == quotation


def test_a_foreign_or_hidden_document_is_a_validation_error_and_nothing_is_written(
    client, customer, omar, other_customer
):
    buyer = portal_user(customer, "buyer@acme.test", own_orders_only=True)
    colleagues_order = place(customer, omar)
    foreign_order = place(other_customer)
    client.force_login(buyer)
    for related in (
        f"order:{foreign_order.pk}",
        f"order:{colleagues_order.pk}",
        "order:999999",
        "quotation:abc",
    ):
        response = client.post(NEW, {"subject": "Hi", "related": related, "body": "Hello"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Choose one of your orders or quotations." in html
        assert foreign_order.number not in html and colleagues_order.number not in html
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"subject": "", "body": "Hi"}, "Give your ticket a subject."),
        ({"subject": "Hi", "body": ""}, "Write a message."),
        ({"subject": "x" * 201, "body": "Hi"}, "at most 200 characters"),
        (
            {"subject": "Hi", "body": "Hi", "files": [SimpleUploadedFile("a.pdf", b"<svg/>")]},
            "not an accepted type",
        ),
    ],
)
def test_bad_tickets_are_a_400_next_to_the_field(client, signed_in, data, message):
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Conversation.objects.exists() and not Attachment.objects.exists()


def test_posted_customer_status_or_assignee_are_ignored(
    client, signed_in, customer, other_customer
):
    staff = StaffFactory()
    client.post(
        NEW,
        {
            "subject": "Hello",
            "body": "Hi",
            "customer": other_customer.pk,
            "status": "closed",
            "assignee": staff.pk,
            "kind": "order",
            "number": "TCK-1999-99999",
            "opened_by": staff.pk,
        },
    )
    ticket = Conversation.objects.get()
    assert (ticket.customer, ticket.status, ticket.kind) == (customer, "open", "ticket")
    assert ticket.assignee == customer.advisor and ticket.opened_by == signed_in
    assert ticket.number != "TCK-1999-99999"


# --- A ticket ------------------------------------------------------------------------------------


def test_the_ticket_page_never_shows_internal_notes(client, signed_in, customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    question = ticket.messages.get()
    add_note(
        conversation=ticket,
        by=advisor,
        body="Customer is on credit hold.",
        files=[pdf_file("credit-report.pdf")],
        reply_to=question,
    )
    post_message(conversation=ticket, by=advisor, body="New panels ship today.", reply_to=question)
    html = client.get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()
    assert "New panels ship today." in html and "Help!" in html and "In reply to" in html
    assert "credit hold" not in html and "credit-report" not in html
    assert "Internal note" not in html and "message-note" not in html
    note_file = Attachment.objects.get()
    url = reverse("portal:message-attachment", args=[note_file.pk])
    assert client.get(url).status_code == 404


def test_a_customer_cannot_reply_to_a_note(client, signed_in, customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    note = add_note(conversation=ticket, by=advisor, body="Secret")
    response = client.post(
        reverse("portal:ticket-reply", args=[ticket.pk]), {"body": "Hi", "reply_to": note.pk}
    )
    assert response.status_code == 400 and "Secret" not in response.content.decode()
    assert (
        client.get(reverse("portal:ticket-detail", args=[ticket.pk]), {"reply_to": note.pk})
        .content.decode()
        .count("Replying to")
        == 0
    )


def test_the_customer_replies_closes_and_reopens(client, signed_in, customer, omar, advisor):
    ticket = ticket_of(customer, omar)
    post_message(conversation=ticket, by=advisor, body="Fixed?")
    response = client.post(
        reverse("portal:ticket-reply", args=[ticket.pk]),
        {"body": "Not yet.", "files": [pdf_file()]},
    )
    reply = Message.objects.latest("pk")
    assert response["Location"].endswith(f"#message-{reply.pk}")
    ticket.refresh_from_db()
    assert ticket.status == "open" and reply.from_customer and reply.attachments.count() == 1

    client.post(reverse("portal:ticket-close", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    html = client.get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()
    assert "Reopen ticket" in html and "A new message opens it again." in html
    client.post(reverse("portal:ticket-reopen", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == "open"
    response = client.post(reverse("portal:ticket-reopen", args=[ticket.pk]), follow=True)
    assert "Only a closed ticket can be reopened." in response.content.decode()


def test_a_bad_reply_is_a_400_and_nothing_is_written(client, signed_in, customer, omar):
    ticket = ticket_of(customer, omar)
    response = client.post(reverse("portal:ticket-reply", args=[ticket.pk]), {"body": "  "})
    assert response.status_code == 400 and "Write a message." in response.content.decode()
    assert ticket.messages.count() == 1


def test_the_customer_downloads_their_attachments_as_attachments(
    client, signed_in, customer, omar, advisor
):
    ticket = ticket_of(customer, omar)
    post_message(conversation=ticket, by=advisor, body="Here", files=[pdf_file("manual.pdf")])
    attachment = Attachment.objects.get()
    response = client.get(reverse("portal:message-attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="manual.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


# --- The thread on the order page ----------------------------------------------------------------


def test_the_portal_order_page_loads_the_thread(client, signed_in, customer, omar, order, advisor):
    write_on_order(order=order, by=advisor, body="Shall we add brackets?")
    page = client.get(reverse("portal:order-detail", args=[order.pk])).content.decode()
    url = reverse("portal:order-thread", args=[order.pk])
    assert f'hx-get="{url}"' in page and 'id="conversation"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Shall we add brackets?" in fragment and "<html" not in fragment


def test_the_customer_writes_on_the_order_with_and_without_htmx(
    client, signed_in, customer, omar, order
):
    url = reverse("portal:order-thread", args=[order.pk])
    response = client.post(url, {"body": "Yes, 12 please."}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Your message is sent to our sales team." in response.content.decode()
    response = client.post(url, {"body": "And cables."})
    assert response["Location"] == f"/portal/orders/{order.pk}/#conversation"
    thread = Conversation.objects.get(kind="order")
    assert thread.messages.count() == 2 and thread.status == "open"


def test_a_cart_has_no_thread_yet(client, signed_in, customer, omar):
    cart = place(customer, omar, submit=False)
    html = client.get(reverse("portal:order-detail", args=[cart.pk])).content.decode()
    assert reverse("portal:order-thread", args=[cart.pk]) not in html
    response = client.post(reverse("portal:order-thread", args=[cart.pk]), {"body": "Hi"})
    assert response.status_code == 400 and not Conversation.objects.exists()


def test_staff_cannot_open_portal_message_pages(client, advisor):
    client.force_login(advisor)
    assert client.get(LIST).status_code == 403
