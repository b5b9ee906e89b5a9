"""Constant query counts: the inbox, a long ticket on both sides, an order thread, the portal
list and the customer's Tickets tab run the same queries for 5 rows as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.services import add_note, open_ticket, post_message, write_on_order
from tests.conversations.conftest import pdf_file, place, portal_user
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def count(client, url, **params) -> int:
    client.get(url, params)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def counts(client, pages) -> list[int]:
    """The query count of each (user, url) page, read signed in as that user."""
    result = []
    for user, url in pages:
        client.force_login(user)
        result.append(count(client, url))
    return result


def grow_inbox(count: int) -> None:
    """`count` more open conversations, each with its own customer, people and order thread."""
    for index in range(count):
        advisor = StaffFactory()
        customer = CustomerFactory(advisor=advisor)
        user = portal_user(customer, f"user{index}-{customer.pk}@inbox.test")
        if index % 2:
            open_ticket(customer=customer, by=user, subject=f"Ticket {index}", body="Help")
        else:
            write_on_order(order=place(customer, user), by=user, body="Question")


@pytest.mark.parametrize("params", [{}, {"status": "all", "assignee": "me", "q": "t"}])
def test_the_inbox_runs_the_same_queries_for_5_and_50_rows(client, advisor, params):
    client.force_login(advisor)
    url = reverse("conversations:inbox")
    grow_inbox(5)
    five = count(client, url, **params)
    grow_inbox(45)
    assert count(client, url, **params) == five


def long_ticket(customer, omar, advisor, messages: int, ticket=None):
    """Add `messages` messages to a ticket, each with a file and replying to the one before;
    every third is an internal note."""
    if ticket is None:
        ticket = open_ticket(customer=customer, by=omar, subject="Long one", body="Start")
    last = ticket.messages.filter(kind="message").last()
    for index in range(messages):
        files = [pdf_file(f"{index}.pdf")]
        if index % 3 == 2:
            add_note(conversation=ticket, by=advisor, body=f"Note {index}", files=files)
            continue
        last = post_message(
            conversation=ticket,
            by=omar if index % 2 else advisor,
            body=f"Message {index}",
            files=files,
            reply_to=last,
        )
    return ticket


def test_a_long_ticket_runs_the_same_queries_on_both_sides(client, customer, omar, advisor):
    ticket = long_ticket(customer, omar, advisor, 5)
    office = reverse("conversations:ticket-detail", args=[ticket.pk])
    portal = reverse("portal:ticket-detail", args=[ticket.pk])
    pages = [(advisor, office), (omar, portal)]
    five = counts(client, pages)

    long_ticket(customer, omar, advisor, 45, ticket=ticket)
    assert counts(client, pages) == five


def test_a_long_order_thread_runs_the_same_queries_on_both_sides(
    client, customer, omar, advisor, order
):
    def grow(n):
        for index in range(n):
            write_on_order(
                order=order,
                by=omar if index % 2 else advisor,
                body=f"Message {index}",
                files=[pdf_file()],
            )

    grow(5)
    office = reverse("conversations:order-thread", args=[order.pk])
    portal = reverse("portal:order-thread", args=[order.pk])
    pages = [(advisor, office), (omar, portal)]
    five = counts(client, pages)
    grow(45)
    assert counts(client, pages) == five


def test_the_portal_list_and_the_tickets_tab_run_the_same_queries_for_5_and_50(
    client, customer, omar, advisor
):
    def grow(n):
        for index in range(n):
            ticket = open_ticket(customer=customer, by=omar, subject=f"T{index}", body="Hi")
            post_message(conversation=ticket, by=advisor, body="Answer")
            write_on_order(order=place(customer, omar), by=omar, body="About an order")

    grow(5)
    portal = reverse("portal:conversations")
    tab = reverse("conversations:customer-tickets", args=[customer.pk])
    pages = [(omar, portal), (advisor, tab)]
    five = counts(client, pages)
    grow(45)
    assert counts(client, pages) == five
