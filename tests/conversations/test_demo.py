"""The demo shows tickets at every status, an internal note and an order thread waiting for an
answer, and loading it twice adds nothing."""

import pytest
from django.core.management import call_command

from conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_the_demo_has_tickets_at_every_status_and_an_order_thread(settings):
    settings.BASE_CURRENCY = "USD"
    call_command("demo")
    tickets = Conversation.objects.tickets()
    assert set(tickets.values_list("status", flat=True)) == set(Conversation.Status.values)
    assert Message.objects.filter(kind="note").exists()
    thread = Conversation.objects.get(kind="order")
    assert thread.status == "open" and thread.messages.count() == 2
    assert tickets.filter(customer__name="Acme Trading FZE", order__isnull=False).exists()

    counts = Conversation.objects.count(), Message.objects.count()
    call_command("demo")
    assert (Conversation.objects.count(), Message.objects.count()) == counts
