"""In a real browser, both sides: a customer opens a ticket with an attachment, staff find it in
the inbox and reply (and leave an internal note), the customer follows the email, sees the reply
but never the note, and closes the ticket; and the two talk on an order's pages."""

import re

import pytest
from playwright.sync_api import expect

from conversations.models import Conversation
from portal.models import Area
from sales.services.orders import create_order
from tests.browser.helpers import link_from, portal_sign_in, sign_in, small_pdf
from tests.factories import PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_ticket_from_question_to_closed_on_both_sides(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")
    PortalContactFactory(
        email="omar@acme.test",
        first_name="Omar",
        customer__name="Acme Trading",
        customer__advisor__email="advisor@lumytic.test",
        areas=[Area.ORDERS],
    )
    page.on("dialog", lambda dialog: dialog.accept())

    # The customer opens a ticket with a PDF from the portal's Messages.
    portal_sign_in(page, "omar@acme.test")
    page.get_by_role("navigation", name="Customer portal").get_by_role(
        "link", name="Messages"
    ).click()
    page.get_by_role("link", name="New ticket").click()
    page.get_by_label("Subject").fill("Two panels arrived cracked")
    page.get_by_label("Message").fill("Please see the delivery note attached.")
    page.get_by_label("Attachments").set_input_files({**small_pdf(), "name": "delivery.pdf"})
    page.get_by_role("button", name="Send ticket").click()
    expect(page.locator(".ticket-subject")).to_have_text("Two panels arrived cracked")
    expect(page.locator(".conversation-status")).to_have_text("Open")
    expect(page.locator(".attachment-link")).to_contain_text("delivery.pdf")
    ticket = Conversation.objects.get()

    # The advisor sees it counted in the sidebar, opens it from the inbox, notes and replies.
    page.context.clear_cookies()
    sign_in(page, "advisor@lumytic.test")
    sidebar = page.get_by_role("navigation", name="Back-office")
    expect(sidebar.locator('.needs-action[data-key="inbox"]')).to_contain_text("1")
    sidebar.get_by_role("link", name=re.compile("Inbox")).click()
    expect(page.locator(".inbox-row")).to_have_count(1)
    page.get_by_role("link", name="Two panels arrived cracked").click()
    with page.expect_download() as download:
        page.locator(".attachment-link").click()
    assert download.value.suggested_filename == "delivery.pdf"
    page.get_by_role("textbox", name="Note").fill("Carrier damage; claim with the carrier.")
    page.get_by_role("button", name="Add internal note").click()
    expect(page.locator(".message-note")).to_contain_text("claim with the carrier")
    page.get_by_label("Your reply").fill("Sorry! Two new panels ship today.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".conversation-status")).to_have_text("Answered")
    expect(sidebar.locator('.needs-action[data-key="inbox"]')).to_have_count(0)

    # The customer follows the email's button, sees the reply (not the note) and closes it.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    link = link_from("message_received", "/portal/")
    assert link == f"/portal/messages/tickets/{ticket.pk}/"
    page.goto(link)
    expect(page.locator(".message-staff")).to_contain_text("Two new panels ship today.")
    expect(page.get_by_text("claim with the carrier")).to_have_count(0)
    page.get_by_role("button", name="Close ticket").click()
    expect(page.locator(".conversation-status")).to_have_text("Closed")
    expect(page.get_by_role("button", name="Reopen ticket")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_staff_and_customer_talk_on_the_order_pages(page, settings, tmp_path):
    settings.BASE_CURRENCY = "USD"
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    lina = StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")
    contact = PortalContactFactory(
        email="omar@acme.test", first_name="Omar", customer__advisor=lina, areas=[Area.ORDERS]
    )
    order = create_order(
        customer=contact.customer,
        by=contact.user,
        placed_by=contact.user,
        lines=[{"description": "LED panel", "quantity": 2, "unit_price": 10}],
    )

    # Staff write from the order page; the thread is swapped in place, with the file.
    sign_in(page, "lina@lumytic.test")
    page.goto(f"/office/orders/{order.pk}/")
    page.locator("#conversation").scroll_into_view_if_needed()  # the thread loads when seen
    thread = page.locator("#conversation-thread")
    expect(thread.locator(".thread-empty")).to_be_visible()
    thread.get_by_label("Message").fill("Shall we add mounting brackets?")
    thread.get_by_label("Attachments").set_input_files({**small_pdf(), "name": "brackets.pdf"})
    thread.get_by_role("button", name="Send to the customer").click()
    expect(thread.locator(".message-staff")).to_contain_text("Shall we add mounting brackets?")
    expect(thread.locator(".attachment-link")).to_have_text("brackets.pdf")
    expect(page.get_by_text("Your message is sent to the customer.")).to_be_visible()

    # The customer answers from the portal order page, replying to that message.
    page.context.clear_cookies()
    portal_sign_in(page, "omar@acme.test")
    page.goto(link_from("message_received", "/portal/"))
    thread = page.locator("#conversation-thread")
    expect(thread.locator(".message-staff")).to_contain_text("mounting brackets")
    thread.get_by_role("link", name=re.compile("^Reply")).click()
    expect(thread.locator(".replying-to")).to_contain_text("Lina Farouk")
    thread.get_by_label("Message").fill("Yes please, 12 brackets.")
    thread.get_by_role("button", name="Send").click()
    expect(thread.locator(".message-customer")).to_contain_text("Yes please, 12 brackets.")
    expect(thread.locator(".message-customer .message-quote")).to_contain_text("mounting")

    # Back in the office, the inbox shows the thread waiting for an answer.
    page.context.clear_cookies()
    sign_in(page, "lina@lumytic.test")
    page.goto("/office/inbox/")
    expect(page.locator(".inbox-row[data-kind=order]")).to_have_count(1)
    expect(page.locator(".order-timeline")).to_have_count(0)
    page.get_by_role("link", name=f"Order {order.number}").click()
    expect(page.locator(".order-timeline")).to_contain_text("message sent")
