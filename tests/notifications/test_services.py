import datetime
import smtplib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications.delivery import deliver, is_transient, sweep_outbox
from notifications.errors import AlreadySentError, NotResendableError, OutboxError
from notifications.models import OutboundAttachment, OutboundEmail
from notifications.services import (
    Attachment,
    Recipient,
    notify,
    requeue_email,
    send_test_email,
)
from tests.notifications.support import COMPANY_REPLY_TO

pytestmark = pytest.mark.django_db

ORDER_LINKS = {"office": "/office/orders/5/", "portal": "/portal/orders/5/"}


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


# --- Recipients ---------------------------------------------------------------------------------


def test_recipient_from_a_portal_user_opens_the_portal(portal_user):
    recipient = Recipient.from_user(portal_user)
    assert recipient == Recipient(
        email="omar@agent.example", name="Omar Saleh", language="fr", side="portal"
    )


def test_recipient_from_a_staff_user_opens_the_office(staff_user):
    assert Recipient.from_user(staff_user).side == "office"


def test_recipient_side_must_be_office_or_portal():
    with pytest.raises(ValueError, match="side"):
        Recipient(email="a@example.com", side="admin")


# --- Writing rows in the caller's transaction -----------------------------------------------------


def test_notify_writes_the_row_in_the_callers_transaction(
    django_capture_on_commit_callbacks, mailoutbox
):
    """Until the caller commits, the row exists in its transaction and nothing is sent."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        [email] = notify(
            "order_confirmed",
            recipients=[Recipient(email="buyer@agent.example")],
            context={"order": "SO-2026-00001"},
        )
        assert OutboundEmail.objects.filter(pk=email.pk, status="pending").exists()
        assert callbacks == []
    assert len(callbacks) == 1
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.enqueued_at is None


def test_nothing_is_written_or_sent_when_the_caller_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(
            "order_confirmed",
            recipients=[Recipient(email="buyer@agent.example")],
            context={"order": "SO-2026-00001"},
            attachments=[Attachment("PI.pdf", b"%PDF-1.4", "application/pdf")],
        )
        raise RuntimeError("the caller's step failed")
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert not OutboundAttachment.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_only_when_the_outer_transaction_commits(mailoutbox):
    with transaction.atomic():
        [email] = notify(
            "order_updated",
            recipients=[Recipient(email="buyer@agent.example")],
            context={"order": "SO-2026-00002"},
        )
        assert mailoutbox == []
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.enqueued_at is not None


def test_email_is_sent_exactly_once_after_commit(send_email, mailoutbox):
    [email] = send_email()

    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert len(mailoutbox) == 1

    # A duplicate task (redelivered message, sweep) finds the row sent and sends nothing.
    deliver(email_id=email.pk)
    from notifications.tasks import send_outbound_email

    send_outbound_email.delay(email.pk)
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_delivering_a_missing_row_does_nothing(mailoutbox):
    assert deliver(email_id=987654) is None
    assert mailoutbox == []


def test_unknown_event_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="no_such_email"):
        notify("no_such_email", recipients=[Recipient(email="a@example.com")])
    assert not OutboundEmail.objects.exists()


def test_missing_subject_context_is_a_clear_error():
    with pytest.raises(ValueError, match="'order'"):
        notify("order_confirmed", recipients=[Recipient(email="a@example.com")])
    assert not OutboundEmail.objects.exists()


def test_unknown_link_side_is_refused():
    with pytest.raises(ValueError, match="side"):
        notify(
            "order_confirmed",
            recipients=[Recipient(email="a@example.com")],
            context={"order": "SO-1"},
            links={"admin": "/admin/"},
        )


def test_recipients_without_email_are_skipped_and_addresses_deduplicated(queue_email, staff_user):
    emails = queue_email(
        recipients=[
            staff_user,
            Recipient(email="LINA@lumytic.test", name="Duplicate"),
            Recipient(email=""),
            Recipient(email="  buyer@agent.example  ", side="portal"),
        ]
    )
    assert [email.to_email for email in emails] == ["lina@lumytic.test", "buyer@agent.example"]
    assert emails[0].to_name == "Lina Haddad"
    assert OutboundEmail.objects.count() == 2


def test_no_recipient_with_an_address_writes_one_failed_row_and_sends_nothing(
    send_email, mailoutbox, caplog
):
    """An email to nobody is kept as failed ("no recipient") for staff to see, never sent."""
    [email] = send_email(recipients=[Recipient(email=""), Recipient(email="   ")])

    assert email.status == OutboundEmail.Status.FAILED
    assert email.to_email == ""
    assert email.failed_at is not None and email.sent_at is None
    assert email.last_error.startswith("No recipient")
    assert email.subject == "Order SO-2026-00001 confirmed"
    assert email.enqueued_at is None and email.attempts == 0
    assert mailoutbox == []
    assert "has no recipient" in caplog.text


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


# --- Delivery errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPDataError(421, b"try later"), True),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (450, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"no such user")}), False),
        (smtplib.SMTPSenderRefused(553, b"not yours", "no-reply@x.test"), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), False),
        (ValueError("bad header"), False),
    ],
)
def test_errors_are_sorted_into_transient_and_permanent(error, transient):
    assert is_transient(error) is transient


def test_a_permanent_error_marks_the_row_failed(queue_email, smtp_failures, mailoutbox):
    calls = smtp_failures(smtplib.SMTPRecipientsRefused({"buyer@agent.example": (550, b"no")}))
    [email] = queue_email()

    deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.failed_at is not None
    assert email.attempts == 1
    assert "SMTPRecipientsRefused" in email.last_error
    assert len(calls) == 1
    assert mailoutbox == []


def test_a_transient_error_is_recorded_and_raised(queue_email, smtp_failures):
    from notifications.errors import TransientDeliveryError

    smtp_failures(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    [email] = queue_email()

    with pytest.raises(TransientDeliveryError, match="SMTPServerDisconnected"):
        deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1
    assert email.last_attempt_at is not None
    assert "Connection unexpectedly closed" in email.last_error


@pytest.mark.django_db(transaction=True)
def test_a_transient_attempt_is_committed_even_though_deliver_raises(smtp_failures):
    """With no outer transaction, the attempt count survives the raised error."""
    from notifications.errors import TransientDeliveryError

    email = OutboundEmail.objects.create(
        event="smtp_test",
        to_email="lina@lumytic.test",
        from_email="LUMYTIC | Sales <no-reply@lumytic.test>",
        subject="Lumytic test email",
        body_text="Hello",
        body_html="<p>Hello</p>",
    )
    smtp_failures(smtplib.SMTPServerDisconnected("gone"))

    with pytest.raises(TransientDeliveryError):
        deliver(email_id=email.pk)

    assert not transaction.get_connection().in_atomic_block
    email.refresh_from_db()
    assert email.attempts == 1
    assert email.last_attempt_at is not None
    assert "gone" in email.last_error


# --- Requeue and sweep ----------------------------------------------------------------------------


def test_requeue_sends_a_failed_email_again(
    queue_email, smtp_failures, mailoutbox, django_capture_on_commit_callbacks
):
    smtp_failures(smtplib.SMTPRecipientsRefused({"buyer@agent.example": (550, b"no")}))
    [email] = queue_email(attachments=[("memo.pdf", b"%PDF memo", "application/pdf")])
    deliver(email_id=email.pk)

    with django_capture_on_commit_callbacks(execute=True):
        requeue_email(email=email)

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.failed_at is None
    assert mailoutbox[0].attachments == [("memo.pdf", b"%PDF memo", "application/pdf")]


def test_requeue_refuses_a_sent_email(send_email, mailoutbox):
    [email] = send_email()
    with pytest.raises(AlreadySentError, match="already sent"):
        requeue_email(email=email)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_requeue_refuses_a_pending_email(queue_email):
    [email] = queue_email()
    with pytest.raises(NotResendableError):
        requeue_email(email=email)


def _age(email: OutboundEmail, **fields) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(**fields)


def test_sweep_requeues_a_row_no_worker_picked_up(queue_email, mailoutbox):
    long_ago = timezone.now() - timedelta(hours=1)
    [never_enqueued] = queue_email(recipients=[Recipient(email="lost@agent.example")])
    _age(never_enqueued, created_at=long_ago)
    [stalled] = queue_email(recipients=[Recipient(email="stalled@agent.example")])
    _age(stalled, created_at=long_ago, enqueued_at=long_ago, last_attempt_at=long_ago)

    assert sweep_outbox() == 2

    assert sorted(message.to[0] for message in mailoutbox) == [
        "lost@agent.example",
        "stalled@agent.example",
    ]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_sweep_leaves_recent_sent_and_failed_rows_alone(queue_email, send_email, mailoutbox):
    long_ago = timezone.now() - timedelta(hours=1)
    queue_email(recipients=[Recipient(email="just-written@agent.example")])
    [recently_enqueued] = queue_email(recipients=[Recipient(email="queued@agent.example")])
    _age(recently_enqueued, created_at=long_ago, enqueued_at=timezone.now())
    [retrying] = queue_email(recipients=[Recipient(email="retrying@agent.example")])
    _age(retrying, created_at=long_ago, enqueued_at=long_ago, last_attempt_at=timezone.now())
    [sent] = send_email(recipients=[Recipient(email="sent@agent.example")])
    _age(sent, created_at=long_ago, enqueued_at=long_ago)
    [failed] = queue_email(recipients=[Recipient(email="failed@agent.example")])
    _age(failed, status="failed", created_at=long_ago, enqueued_at=long_ago)
    mailoutbox.clear()

    assert sweep_outbox() == 0
    assert mailoutbox == []


def test_sweep_threshold_can_be_given(queue_email, mailoutbox):
    [email] = queue_email()
    _age(
        email,
        created_at=timezone.now() - timedelta(minutes=3),
        enqueued_at=timezone.now() - timedelta(minutes=2),
    )
    assert sweep_outbox() == 0
    assert sweep_outbox(older_than=timedelta(minutes=1)) == 1
    assert len(mailoutbox) == 1


def test_sweep_task_returns_the_count(queue_email):
    from notifications.tasks import sweep_outbox as sweep_task

    [email] = queue_email()
    _age(email, created_at=timezone.now() - timedelta(hours=1))
    assert sweep_task.apply().get() == 1


# --- Test email -----------------------------------------------------------------------------------


def test_send_test_email_goes_to_the_given_address(
    staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = send_test_email(to=staff_user.email, by=staff_user)

    email.refresh_from_db()
    assert email.event == "smtp_test"
    assert email.status == OutboundEmail.Status.SENT
    [message] = mailoutbox
    assert message.to == ["lina@lumytic.test"]
    assert message.subject == "Lumytic test email"
    assert "https://lumytic.test/office/outbox/" in message.body


def test_send_test_email_refuses_an_invalid_address(staff_user):
    with pytest.raises(OutboxError, match="not a valid email address"):
        send_test_email(to="not-an-address", by=staff_user)
    assert not OutboundEmail.objects.exists()


# --- Django's SMTP backend --------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP under Django's real SMTP backend."""

    sent: list = []
    refuse_with: Exception | None = None

    def __init__(self, host, port, **kwargs):
        self.host, self.port = host, port

    def ehlo_or_helo_if_needed(self):
        pass

    def sendmail(self, from_addr, to_addrs, msg, **kwargs):
        if FakeSMTP.refuse_with is not None:
            raise FakeSMTP.refuse_with
        FakeSMTP.sent.append((from_addr, to_addrs, msg))
        return {}

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def fake_smtp(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.lumytic.test", 2525
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "refuse_with", None)
    return FakeSMTP


def test_deliver_sends_through_djangos_smtp_backend(fake_smtp, send_email):
    [email] = send_email("smtp_test", context={})

    assert email.status == OutboundEmail.Status.SENT
    [(from_addr, to_addrs, raw)] = fake_smtp.sent
    assert from_addr.endswith("<no-reply@lumytic.test>")
    assert to_addrs == ["buyer@agent.example"]
    assert b"From: LUMYTIC | Sales <no-reply@lumytic.test>" in raw
    assert b"Content-Type: text/html" in raw


def test_smtp_backend_refusal_marks_the_email_failed(fake_smtp, send_email):
    fake_smtp.refuse_with = smtplib.SMTPRecipientsRefused(
        {"buyer@agent.example": (550, b"5.1.1 mailbox unavailable")}
    )
    [email] = send_email("smtp_test", context={})

    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert "mailbox unavailable" in email.last_error
