"""Demo conversations: tickets at every status and an order thread, written through the services.

Idempotent: a ticket is found by its customer and subject, an order thread by its order.
"""

from django.db import transaction

from customers.models import Customer
from sales.models import Order

from .models import Conversation
from .services import add_note, close_ticket, open_ticket, post_message, write_on_order

# customer, subject, demo order reference (or ""), then (who, text): "customer", "staff",
# "note" (an internal note) or "close" (the customer closes it).
TICKETS = [
    (
        "Acme Trading FZE",
        "Delivery date for our LED panels",
        "DEMO-ACME-1",
        [
            ("customer", "Hello, could you tell us when the 120 LED panels will ship?"),
            ("note", "Warehouse says Thursday; double-check the drivers are in stock."),
            ("staff", "Hello Omar, they leave our warehouse on Thursday; you get the tracking."),
        ],
    ),
    (
        "Acme Trading FZE",
        "Datasheets for the floodlights",
        "",
        [("customer", "Could you send us the datasheets of the 150 W floodlight, please?")],
    ),
    (
        "Acme Trading FZE",
        "Update our billing email",
        "",
        [
            ("customer", "Please send invoices to accounts@acme.test from now on."),
            ("staff", "Done: the billing email is now accounts@acme.test."),
            ("close", ""),
        ],
    ),
    (
        "Nile Valley Supplies",
        "Catalogue in Arabic?",
        "",
        [("customer", "Do you have the catalogue in Arabic for our shop?")],
    ),
]
# The thread on an order: (who, text); the customer's answer waits in the inbox.
ORDER_THREAD = (
    "DEMO-ACME-2",
    [
        ("staff", "Hello Omar, shall we add mounting brackets for the floodlights?"),
        ("customer", "Yes please, 12 brackets. Can you update the order?"),
    ],
)


def _people(customer: Customer):
    contact = customer.contacts.filter(is_primary=True).select_related("user").first()
    buyer = contact.user if contact and contact.user_id else None
    return buyer, customer.advisor


@transaction.atomic
def load_demo_conversations() -> int:
    """Tickets and an order thread for the demo customers that have portal users; returns how
    many conversations were added."""
    added = 0
    for name, subject, reference, steps in TICKETS:
        customer = Customer.objects.filter(name=name).first()
        if customer is None or customer.conversations.filter(subject=subject).exists():
            continue
        buyer, staff = _people(customer)
        if buyer is None or staff is None:
            continue
        order = Order.objects.filter(customer=customer, customer_reference=reference).first()
        (_who, first), *rest = steps
        ticket = open_ticket(
            customer=customer,
            by=buyer,
            subject=subject,
            body=first,
            order=order if reference else None,
        )
        for who, text in rest:
            if who == "note":
                add_note(conversation=ticket, by=staff, body=text)
            elif who == "close":
                close_ticket(conversation=ticket, by=buyer)
            else:
                post_message(
                    conversation=ticket, by=buyer if who == "customer" else staff, body=text
                )
        added += 1

    reference, steps = ORDER_THREAD
    order = Order.objects.filter(customer_reference=reference).select_related("customer").first()
    if order is not None and not Conversation.objects.filter(order=order, kind="order").exists():
        buyer, staff = _people(order.customer)
        staff = order.owner or staff
        if buyer is not None and staff is not None:
            for who, text in steps:
                write_on_order(order=order, by=buyer if who == "customer" else staff, body=text)
            added += 1
    return added
