"""Rendering an outbox email: the sender and reply-to, text and HTML parts, each side's button,
the recipient's language, event templates, attachments and headers."""

import datetime

import pytest
from django.utils import translation
from django.utils.module_loading import import_string

from notifications.models import OutboundEmail
from notifications.services import (
    Recipient,
)
from tests.notifications.support import COMPANY_REPLY_TO

pytestmark = pytest.mark.django_db


ORDER_LINKS = {"office": "/office/orders/5/", "portal": "/portal/orders/5/"}


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


# --- Rendering ------------------------------------------------------------------------------------


def test_from_carries_the_catalogue_sender_name(send_email, mailoutbox):
    send_email("order_confirmed")  # LUMYTIC | Customer Portal
    send_email("pi_sent", context={"order": "SO-1", "pi": "PI-1"})  # LUMYTIC | Sales

    assert mailoutbox[0].from_email == "LUMYTIC | Customer Portal <no-reply@lumytic.test>"
    assert mailoutbox[1].from_email == "LUMYTIC | Sales <no-reply@lumytic.test>"
    assert "From: LUMYTIC | Sales <no-reply@lumytic.test>" in mailoutbox[1].message().as_string()


def test_sender_name_replaces_a_name_in_default_from_email(settings, send_email, mailoutbox):
    settings.DEFAULT_FROM_EMAIL = "Lumytic <sales@lumytic.test>"
    send_email("smtp_test", context={})
    assert mailoutbox[0].from_email == "LUMYTIC | Sales <sales@lumytic.test>"


def test_reply_to_defaults_to_the_configured_callable(send_email, mailoutbox):
    [email] = send_email()
    assert email.reply_to == COMPANY_REPLY_TO
    assert mailoutbox[0].reply_to == [COMPANY_REPLY_TO]


def test_explicit_reply_to_wins(send_email, mailoutbox):
    send_email(reply_to="owner@lumytic.test")
    assert mailoutbox[0].reply_to == ["owner@lumytic.test"]


def test_projects_default_reply_to_setting_is_importable():
    """The project's setting names a callable that gives an address."""
    from lumytic import settings as project_settings

    reply_to = import_string(project_settings.NOTIFICATIONS["DEFAULT_REPLY_TO"])()
    assert "@" in reply_to


def test_email_has_a_text_and_an_html_part_with_the_details(send_email, mailoutbox):
    send_email(
        "order_confirmed",
        recipients=[Recipient(email="buyer@agent.example", name="Nadia Karim", side="portal")],
        details=[("Order", "SO-2026-00001"), ("Billing", "Agent <Trading> LLC\nDubai")],
        links=ORDER_LINKS,
    )
    [message] = mailoutbox
    html = html_of(message)

    assert message.subject == "Order SO-2026-00001 confirmed"
    assert message.to == ["buyer@agent.example"]
    for part in (message.body, html):
        assert "Hello Nadia Karim," in part
        assert "The order below has been confirmed." in part
        assert "SO-2026-00001" in part
        assert "Order Details" in part
    assert "Billing: Agent <Trading> LLC\nDubai" in message.body
    assert "Agent &lt;Trading&gt; LLC<br>Dubai" in html
    assert "<Trading>" not in html


def test_each_recipient_gets_the_button_for_their_own_side(
    send_email, mailoutbox, staff_user, portal_user
):
    send_email("order_confirmed", recipients=[staff_user, portal_user], links=ORDER_LINKS)
    by_address = {message.to[0]: message for message in mailoutbox}

    office = by_address["lina@lumytic.test"]
    portal = by_address["omar@agent.example"]
    assert 'href="https://lumytic.test/office/orders/5/"' in html_of(office)
    assert "https://lumytic.test/office/orders/5/" in office.body
    assert "/portal/orders/5/" not in html_of(office) + office.body
    assert 'href="https://lumytic.test/portal/orders/5/"' in html_of(portal)
    assert "/office/orders/5/" not in html_of(portal) + portal.body


def test_absolute_links_are_kept_and_a_missing_side_gets_no_button(send_email, mailoutbox):
    send_email(
        "order_confirmed",
        recipients=[
            Recipient(email="staff@lumytic.test", side="office"),
            Recipient(email="buyer@agent.example", side="portal"),
        ],
        links={"office": "https://office.lumytic.test/orders/5/"},
    )
    office, portal = mailoutbox
    assert 'href="https://office.lumytic.test/orders/5/"' in html_of(office)
    assert "Order Details" not in html_of(portal)
    assert "lumytic.test/orders" not in portal.body


def test_email_without_a_button_shows_none_even_with_links(send_email, mailoutbox):
    send_email("registration_welcome", context={}, links={"portal": "/portal/"})
    assert "https://lumytic.test/portal/" not in html_of(mailoutbox[0])


def test_email_is_rendered_in_the_recipients_language(send_email, mailoutbox):
    when = datetime.date(2026, 2, 3)
    send_email(
        "order_confirmed",
        recipients=[
            Recipient(email="fr@agent.example", language="fr"),
            Recipient(email="ar@agent.example", language="ar"),
            Recipient(email="en@agent.example"),
        ],
        details=[("Date", when)],
    )
    french, arabic, default = mailoutbox

    assert '<html lang="fr" dir="ltr">' in html_of(french)
    assert "3 février 2026" in french.body
    assert '<html lang="ar" dir="rtl">' in html_of(arabic)
    assert '<html lang="en" dir="ltr">' in html_of(default)
    assert "Feb. 3, 2026" in default.body
    assert OutboundEmail.objects.get(to_email="fr@agent.example").language == "fr"
    assert OutboundEmail.objects.get(to_email="en@agent.example").language == "en"


def test_rendering_leaves_the_callers_language_alone(queue_email):
    with translation.override("en"):
        queue_email(recipients=[Recipient(email="fr@agent.example", language="fr")])
        assert translation.get_language() == "en"


def test_an_event_template_overrides_the_generic_body(send_email, mailoutbox):
    send_email(
        "currency_rates",
        context={
            "date": "3 Feb 2026",
            "rates": [{"name": "Euro", "code": "EUR", "rate": "1.0842", "change": "+0.21%"}],
        },
        links={"office": "/office/exchange/"},
    )
    [message] = mailoutbox
    assert message.subject == "Exchange rates for 3 Feb 2026"
    assert "Euro (EUR): 1.0842 (+0.21%)" in message.body
    assert "Updated rate" in html_of(message)
    assert "Currency Exchange Details Request" in html_of(message)


def test_attachments_are_stored_and_sent(send_email, mailoutbox):
    [email] = send_email(
        "pi_sent",
        context={"order": "SO-1", "pi": "PI-1"},
        attachments=[("PI-1.pdf", b"%PDF-1.4 test", "application/pdf")],
    )
    assert email.attachments.get().filename == "PI-1.pdf"
    assert mailoutbox[0].attachments == [("PI-1.pdf", b"%PDF-1.4 test", "application/pdf")]


def test_message_headers_identify_the_outbox_row(send_email, mailoutbox):
    [email] = send_email()
    headers = mailoutbox[0].message()
    assert headers["X-Lumytic-Outbox-Id"] == str(email.pk)
    assert headers["Message-ID"].startswith(f"<outbox.{email.pk}.")
    assert headers["Message-ID"].endswith("@lumytic.test>")
    assert headers["Reply-To"] == COMPANY_REPLY_TO
