"""Back-office pages: the inbox and its filters, the sidebar count, a ticket with its replies,
notes, assignee and close steps, the thread on an order page, downloads and the Tickets tab."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations.models import Attachment, Conversation, Message
from conversations.services import add_note, close_ticket, post_message, write_on_order
from lumytic.core.nav import sidebar_counts
from notifications.models import OutboundEmail
from tests.conversations.conftest import PDF, pdf_file, place, portal_user, ticket_of, titles
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("conversations:inbox")


@pytest.fixture
def staff(client, advisor):
    client.force_login(advisor)
    return advisor


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("conversations:inbox", []),
        ("conversations:ticket-detail", ["ticket"]),
        ("conversations:order-thread", ["order"]),
        ("conversations:attachment", ["attachment"]),
        ("conversations:customer-tickets", ["customer"]),
    ],
)
def test_office_pages_are_for_staff_only(client, customer, omar, order, name, args):
    ticket = ticket_of(customer, omar, files=[pdf_file()])
    objects = {
        "ticket": ticket.pk,
        "order": order.pk,
        "attachment": Attachment.objects.get().pk,
        "customer": customer.pk,
    }
    url = reverse(name, args=[objects[a] for a in args])
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(omar)
    assert client.get(url).status_code == 403


def test_staff_steps_are_post_only_and_unknown_tickets_are_404(client, staff, customer, omar):
    ticket = ticket_of(customer, omar)
    assert client.get(reverse("conversations:ticket-close", args=[ticket.pk])).status_code == 302
    assert client.get(reverse("conversations:ticket-detail", args=[999999])).status_code == 404
    thread = write_on_order(order=place(customer, omar), by=omar, body="Hi").conversation
    # An order thread is not a ticket page.
    assert client.get(reverse("conversations:ticket-detail", args=[thread.pk])).status_code == 404


# --- The inbox -----------------------------------------------------------------------------------


def test_the_inbox_lists_open_tickets_and_order_threads_the_customer_answered_last(
    client, staff, customer, omar
):
    waiting = ticket_of(customer, omar, subject="Waiting ticket")
    answered = ticket_of(customer, omar, subject="Answered ticket")
    post_message(conversation=answered, by=staff, body="Done.")
    closed = ticket_of(customer, omar, subject="Closed ticket")
    close_ticket(conversation=closed, by=omar)
    order_waiting = place(customer, omar)
    write_on_order(order=order_waiting, by=omar, body="Question")
    order_answered = place(customer, omar)
    write_on_order(order=order_answered, by=omar, body="Question")
    write_on_order(order=order_answered, by=staff, body="Answer")

    response = client.get(INBOX)
    assert response.status_code == 200
    shown = titles(response)
    assert shown == ["Waiting ticket", f"Order {order_waiting.number}"]  # longest waiting first
    html = response.content.decode()
    assert reverse("conversations:ticket-detail", args=[waiting.pk]) in html
    assert f"/office/orders/{order_waiting.pk}/#conversation" in html

    assert titles(client.get(INBOX, {"status": "answered"})) == [
        f"Order {order_answered.number}",
        "Answered ticket",
    ]
    assert titles(client.get(INBOX, {"status": "closed"})) == ["Closed ticket"]
    assert len(titles(client.get(INBOX, {"status": "all"}))) == 5


def test_the_inbox_filters_by_kind_assignee_customer_age_and_search(client, staff, customer, omar):
    samir = StaffFactory(first_name="Samir", last_name="Nasser")
    mine = ticket_of(customer, omar, subject="Mine")
    theirs = ticket_of(customer, omar, subject="Samir's")
    Conversation.objects.filter(pk=theirs.pk).update(assignee=samir)
    nobody = ticket_of(customer, omar, subject="Nobody's")
    Conversation.objects.filter(pk=nobody.pk).update(assignee=None)
    old = ticket_of(customer, omar, subject="Old one")
    Conversation.objects.filter(pk=old.pk).update(waiting_since=timezone.now() - timedelta(days=4))
    elsewhere = CustomerFactory(name="Nile Valley", advisor=samir)
    mona = portal_user(elsewhere, "mona@nile.test")
    ticket_of(elsewhere, mona, subject="Catalogue in Arabic")
    write_on_order(order=place(customer, omar), by=omar, body="Order question")

    def listed(**params):
        response = client.get(INBOX, params)
        assert response.status_code == 200
        return sorted(titles(response))

    assert listed(kind="ticket") == sorted(
        ["Mine", "Samir's", "Nobody's", "Old one", "Catalogue in Arabic"]
    )
    assert len(listed(kind="order")) == 1
    # The advisor owns the order too, so its thread is hers.
    assert listed(assignee="me")[:2] == ["Mine", "Old one"] and len(listed(assignee="me")) == 3
    assert listed(assignee=str(samir.pk)) == ["Catalogue in Arabic", "Samir's"]
    assert listed(assignee="none") == ["Nobody's"]
    assert listed(customer=str(elsewhere.pk)) == ["Catalogue in Arabic"]
    html = client.get(INBOX, {"kind": "ticket"}).content.decode()
    assert f'href="?kind=ticket&amp;customer={elsewhere.pk}"' in html  # "only this customer"
    assert listed(age="3") == ["Old one"]
    assert listed(q="arabic") == ["Catalogue in Arabic"]
    assert listed(q=mine.number) == ["Mine"]


def test_an_invalid_filter_is_a_400_with_a_message_and_the_rest_still_applies(
    client, staff, customer, omar
):
    ticket_of(customer, omar, subject="Visible")
    response = client.get(INBOX, {"assignee": "nobody-like-this", "customer": "x", "age": "99"})
    assert response.status_code == 400
    assert "Some filters are not valid" in response.content.decode()
    assert titles(response) == ["Visible"]


def test_the_inbox_paginates(client, staff, customer, omar):
    for index in range(27):
        ticket_of(customer, omar, subject=f"Ticket {index:02}")
    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})
    assert len(titles(first)) == 25 and len(titles(second)) == 2
    assert not set(titles(first)) & set(titles(second))
    assert "1–25 of 27" in first.content.decode()


def test_the_sidebar_counts_open_conversations_in_one_query_and_stays_live(
    client, staff, customer, omar
):
    ticket = ticket_of(customer, omar)
    ticket_of(customer, omar, subject="Another")
    write_on_order(order=place(customer, omar), by=omar, body="Question")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("sales:order-list")).content.decode()
    assert 'data-key="inbox"' in html and "conversations waiting for an answer" in html
    counting = [q for q in queries if "conversations_conversation" in q["sql"]]
    assert len(counting) == 1
    assert sidebar_counts()["inbox"] == 3

    post_message(conversation=ticket, by=staff, body="Answered.")
    html = client.get(reverse("sales:order-list")).content.decode()
    assert sidebar_counts()["inbox"] == 2
    assert (
        '<span class="badge rounded-pill text-bg-warning ms-auto needs-action" data-key="inbox"'
        in html
    )


def test_portal_pages_never_count_the_inbox(client, customer, omar):
    client.force_login(omar)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:home"))
    assert not [q for q in queries if "conversations_conversation" in q["sql"]]


# --- A ticket ------------------------------------------------------------------------------------


def test_the_ticket_page_shows_messages_notes_and_files(client, staff, customer, omar):
    ticket = ticket_of(customer, omar, files=[pdf_file("photo-of-damage.pdf")])
    add_note(conversation=ticket, by=staff, body="Check with the carrier first.")
    response = client.get(reverse("conversations:ticket-detail", args=[ticket.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Broken panels" in html and ticket.number in html and "Help!" in html
    assert "Check with the carrier first." in html and "message-note" in html
    assert "Internal note · staff only" in html
    attachment = Attachment.objects.get()
    assert reverse("conversations:attachment", args=[attachment.pk]) in html
    assert "photo-of-damage.pdf" in html


def test_a_staff_reply_from_the_page_is_sent_and_marks_the_ticket_answered(
    client, staff, customer, omar
):
    ticket = ticket_of(customer, omar)
    question = ticket.messages.get()
    response = client.post(
        reverse("conversations:ticket-reply", args=[ticket.pk]),
        {"body": "New ones ship today.", "reply_to": question.pk, "files": [pdf_file()]},
    )
    reply = Message.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/office/tickets/{ticket.pk}/#message-{reply.pk}")
    ticket.refresh_from_db()
    assert ticket.status == "answered" and reply.reply_to == question
    assert reply.attachments.count() == 1 and not reply.from_customer
    assert OutboundEmail.objects.filter(to_email=omar.email).count() == 1


def test_reply_to_is_prefilled_from_the_reply_link(client, staff, customer, omar):
    ticket = ticket_of(customer, omar)
    question = ticket.messages.get()
    url = reverse("conversations:ticket-detail", args=[ticket.pk])
    html = client.get(url, {"reply_to": question.pk}).content.decode()
    assert f'name="reply_to" value="{question.pk}"' in html and "Replying to" in html
    note = add_note(conversation=ticket, by=staff, body="Internal")
    html = client.get(url, {"as": "note", "reply_to": note.pk}).content.decode()
    # Only the note form quotes it; the customer reply quotes nothing.
    assert html.count(f'name="reply_to" value="{note.pk}"') == 1
    assert f'name="reply_to" value="{note.pk}" id="note_reply_to"' in html
    html = client.get(url, {"reply_to": note.pk}).content.decode()
    assert "Replying to" not in html  # a reply the customer sees never quotes a note


def test_an_internal_note_from_the_page_emails_nobody(client, staff, customer, omar):
    ticket = ticket_of(customer, omar)
    before = OutboundEmail.objects.count()
    response = client.post(
        reverse("conversations:ticket-note", args=[ticket.pk]), {"body": "Late payer; careful."}
    )
    assert response.status_code == 302
    note = Message.objects.latest("pk")
    assert note.kind == "note" and OutboundEmail.objects.count() == before
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_a_customer_visible_reply_cannot_quote_a_note(client, staff, customer, omar):
    ticket = ticket_of(customer, omar)
    note = add_note(conversation=ticket, by=staff, body="Secret")
    response = client.post(
        reverse("conversations:ticket-reply", args=[ticket.pk]),
        {"body": "Hi", "reply_to": note.pk},
    )
    assert response.status_code == 400
    assert "not part of this conversation" in response.content.decode()
    assert ticket.messages.count() == 2


@pytest.mark.parametrize(
    "data,message",
    [
        ({"body": ""}, "Write a message."),
        ({"body": "x" * 10_001}, "at most 10000 characters"),
        ({"body": "Hi", "files": [SimpleUploadedFile("x.pdf", b"<html>")]}, "not an accepted type"),
        ({"body": "Hi", "files": [pdf_file(f"{i}.pdf") for i in range(6)]}, "at most 5 files"),
    ],
)
def test_bad_replies_are_a_400_next_to_the_field_and_nothing_is_written(
    client, staff, customer, omar, data, message
):
    ticket = ticket_of(customer, omar)
    response = client.post(reverse("conversations:ticket-reply", args=[ticket.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ticket.messages.count() == 1 and not Attachment.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_assign_close_and_reopen_from_the_page(client, staff, customer, omar):
    ticket = ticket_of(customer, omar)
    samir = StaffFactory()
    url = reverse("conversations:ticket-assign", args=[ticket.pk])
    assert client.post(url, {"assignee": samir.pk}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == samir
    assert client.post(url, {"assignee": omar.pk}).status_code == 400  # not staff
    assert client.post(url, {"assignee": ""}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee is None

    client.post(reverse("conversations:ticket-close", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    response = client.post(reverse("conversations:ticket-close", args=[ticket.pk]), follow=True)
    assert "it cannot become closed" in response.content.decode()
    client.post(reverse("conversations:ticket-reopen", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == "open"


# --- An order's thread ---------------------------------------------------------------------------


def test_the_order_page_loads_its_thread_by_url_name(client, staff, order):
    html = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    thread_url = reverse("conversations:order-thread", args=[order.pk])
    assert f'hx-get="{thread_url}"' in html and 'id="conversation"' in html
    assert f'href="{thread_url}"' in html  # the link without JavaScript


def test_the_thread_fragment_and_its_page(client, staff, customer, omar, order):
    write_on_order(order=order, by=omar, body="Can you deliver on Monday?")
    url = reverse("conversations:order-thread", args=[order.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Can you deliver on Monday?" in fragment and "<html" not in fragment
    assert 'id="conversation-thread"' in fragment and "Awaiting reply" in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and "Can you deliver on Monday?" in page


def test_the_thread_warns_when_no_portal_user_can_read_it(client, staff, customer):
    order = place(customer, None)
    html = client.get(
        reverse("conversations:order-thread", args=[order.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "nobody on their side will be emailed" in html


def test_staff_write_on_an_order_with_htmx_and_without(client, staff, customer, omar, order):
    url = reverse("conversations:order-thread", args=[order.pk])
    response = client.post(url, {"body": "Shall we add brackets?"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shall we add brackets?" in html and "Your message is sent to the customer." in html
    response = client.post(url, {"body": "And cables?"})
    assert response.status_code == 302
    assert response["Location"] == f"/office/orders/{order.pk}/#conversation"
    thread = Conversation.objects.get(order=order, kind="order")
    assert thread.messages.count() == 2 and thread.status == "answered"
    bad = client.post(url, {"body": ""}, headers={"HX-Request": "true"})
    assert bad.status_code == 400 and "Write a message." in bad.content.decode()
    assert thread.messages.count() == 2


def test_a_draft_order_offers_no_thread(client, staff, customer, omar):
    cart = place(customer, omar, submit=False)
    url = reverse("conversations:order-thread", args=[cart.pk])
    assert "once it is submitted" in client.get(url).content.decode()
    response = client.post(url, {"body": "Hello"})
    assert response.status_code == 400 and not Conversation.objects.exists()


# --- Downloads -----------------------------------------------------------------------------------


def test_staff_download_any_attachment_as_an_attachment(client, staff, customer, omar):
    ticket = ticket_of(customer, omar)
    add_note(conversation=ticket, by=staff, body="Scan", files=[pdf_file("internal.pdf")])
    attachment = Attachment.objects.get()
    response = client.get(reverse("conversations:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="internal.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


# --- The customer page's Tickets tab -------------------------------------------------------------


def test_the_tickets_tab_lists_the_customers_tickets_or_an_empty_state(
    client, staff, customer, omar
):
    url = reverse("conversations:customer-tickets", args=[customer.pk])
    html = client.get(url).content.decode()
    assert "No tickets from this customer yet." in html and "empty-state" in html
    ticket = ticket_of(customer, omar)
    other = CustomerFactory()
    ticket_of(other, PortalContactFactory(customer=other).user, subject="Not theirs")
    response = client.get(url, headers={"HX-Request": "true", "HX-Target": "customer-tab"})
    html = response.content.decode()
    assert "Broken panels" in html and ticket.number in html and "Not theirs" not in html
    assert "<html" not in html  # just the tab


def test_the_customer_page_has_a_tickets_tab(client, staff, customer):
    html = client.get(customer.get_absolute_url()).content.decode()
    assert reverse("conversations:customer-tickets", args=[customer.pk]) in html
    assert ">Tickets" in html or "Tickets\n" in html


def test_admin_lists_searches_and_shows_conversations(client, customer, omar):
    admin = StaffFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    ticket = ticket_of(customer, omar, files=[pdf_file()])
    message = ticket.messages.get()
    for url in [
        reverse("admin:conversations_conversation_changelist") + "?q=Broken",
        reverse("admin:conversations_conversation_changelist") + "?status__exact=open",
        reverse("admin:conversations_conversation_change", args=[ticket.pk]),
        reverse("admin:conversations_message_changelist") + "?q=Help",
        reverse("admin:conversations_message_change", args=[message.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "Broken panels"
        in client.get(
            reverse("admin:conversations_conversation_changelist") + "?q=Broken"
        ).content.decode()
    )
