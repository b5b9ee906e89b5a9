import smtplib
from html import escape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.delivery import deliver
from notifications.models import OutboundEmail
from notifications.services import Recipient

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:outbox-list")


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _queue_many(queue_email, count: int, start: int = 0) -> None:
    queue_email(
        recipients=[Recipient(email=f"buyer{start + n}@agent.example") for n in range(count)],
        attachments=[("PI.pdf", b"%PDF", "application/pdf")],
    )


@pytest.fixture
def failed_email(queue_email, smtp_failures):
    smtp_failures(smtplib.SMTPRecipientsRefused({"buyer@agent.example": (550, b"unknown user")}))
    [email] = queue_email()
    deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    return email


# --- Access ---------------------------------------------------------------------------------------


@pytest.fixture
def every_url(queue_email):
    [email] = queue_email(attachments=[("PI.pdf", b"%PDF", "application/pdf")])
    attachment = email.attachments.get()
    return [
        ("get", LIST_URL),
        ("get", email.get_absolute_url()),
        ("post", reverse("notifications:outbox-resend", args=[email.pk])),
        ("post", reverse("notifications:outbox-test")),
        ("get", reverse("notifications:outbox-attachment", args=[email.pk, attachment.pk])),
    ]


def test_portal_users_get_403_on_every_outbox_url(client, portal_user, every_url, mailoutbox):
    client.force_login(portal_user)
    for method, url in every_url:
        assert getattr(client, method)(url).status_code == 403, url
    assert mailoutbox == []


def test_anonymous_visitors_are_sent_to_login(client, every_url):
    for method, url in every_url:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


def test_deactivated_staff_are_signed_out_of_the_outbox(client, make_user):
    user = make_user("former@lumytic.test")
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get(LIST_URL).status_code == 302


# --- List -----------------------------------------------------------------------------------------


def test_list_shows_newest_first_with_status_counts(staff_client, queue_email, failed_email):
    queue_email(recipients=[Recipient(email="newest@agent.example")])

    response = staff_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.context["nav"] == "outbox"
    emails = list(response.context["object_list"])
    assert [email.to_email for email in emails] == ["newest@agent.example", "buyer@agent.example"]
    counts = {tab["value"]: tab["count"] for tab in response.context["status_tabs"]}
    assert counts == {"": 2, "pending": 1, "sending": 0, "sent": 0, "failed": 1}
    assert b"text-bg-danger" in response.content
    assert b"text-bg-warning" in response.content


def test_list_filters_by_status(staff_client, queue_email, failed_email):
    queue_email(recipients=[Recipient(email="pending@agent.example")])

    response = staff_client.get(LIST_URL, {"status": "failed"})

    assert [email.pk for email in response.context["object_list"]] == [failed_email.pk]
    active = [tab["value"] for tab in response.context["status_tabs"] if tab["active"]]
    assert active == ["failed"]


def test_list_filters_by_event(staff_client, queue_email):
    queue_email("order_confirmed")
    [memo] = queue_email("memo_sent", context={"memo": "M-1", "pi": "PI-1"})

    response = staff_client.get(LIST_URL, {"event": "memo_sent"})

    assert [email.pk for email in response.context["object_list"]] == [memo.pk]
    counts = {tab["value"]: tab["count"] for tab in response.context["status_tabs"]}
    assert counts[""] == 1  # the counts follow the other filters


def test_list_searches_recipient_and_subject(staff_client, queue_email):
    queue_email(recipients=[Recipient(email="nadia@agent.example", name="Nadia Karim")])
    queue_email(context={"order": "SO-2026-00777"})

    by_name = staff_client.get(LIST_URL, {"q": "karim"}).context["object_list"]
    by_subject = staff_client.get(LIST_URL, {"q": "00777"}).context["object_list"]

    assert [email.to_email for email in by_name] == ["nadia@agent.example"]
    assert [email.subject for email in by_subject] == ["Order SO-2026-00777 confirmed"]


def test_list_shows_an_empty_state_when_nothing_matches(staff_client, queue_email):
    queue_email()
    response = staff_client.get(LIST_URL, {"q": "nobody-at-all"})
    assert response.status_code == 200
    assert b"No email matches these filters." in response.content
    assert b"bi-envelope-open" in response.content


def test_list_with_bad_filter_values_shows_nothing_instead_of_failing(staff_client, queue_email):
    queue_email()
    response = staff_client.get(LIST_URL, {"status": "exploded", "event": "nope"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert b"Unknown status" in response.content


def test_list_with_a_bad_page_number_is_404(staff_client, queue_email):
    queue_email()
    assert staff_client.get(LIST_URL, {"page": "x"}).status_code == 404


def test_list_paginates_by_25(staff_client, queue_email):
    _queue_many(queue_email, 30)
    first = staff_client.get(LIST_URL)
    second = staff_client.get(LIST_URL, {"page": 2})
    assert len(first.context["object_list"]) == 25
    assert len(second.context["object_list"]) == 5
    assert b'rel="next"' in first.content


def test_list_runs_the_same_queries_for_3_and_30_rows(staff_client, queue_email):
    _queue_many(queue_email, 3)
    staff_client.get(LIST_URL)  # warm the session and user caches
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(LIST_URL).status_code == 200

    _queue_many(queue_email, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(LIST_URL)
    assert len(response.context["object_list"]) == 25
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Detail ---------------------------------------------------------------------------------------


def test_detail_shows_headers_parts_and_error(staff_client, failed_email):
    response = staff_client.get(failed_email.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "LUMYTIC | Customer Portal &lt;no-reply@lumytic.test&gt;" in html
    assert "sales@lumytic.test" in html  # Reply-To
    assert 'sandbox=""' in html
    assert f'srcdoc="{escape(failed_email.body_html)}"' in html
    assert escape(failed_email.body_text.strip().splitlines()[0]) in html
    assert "unknown user" in html
    assert reverse("notifications:outbox-resend", args=[failed_email.pk]) in html
    assert "data-confirm=" in html


def test_detail_of_a_sent_email_offers_no_resend(staff_client, send_email):
    [email] = send_email()
    response = staff_client.get(email.get_absolute_url())
    assert reverse("notifications:outbox-resend", args=[email.pk]) not in response.content.decode()


def test_detail_of_a_missing_email_is_404(staff_client):
    assert (
        staff_client.get(reverse("notifications:outbox-detail", args=[424242])).status_code == 404
    )


def test_attachment_downloads_as_a_file(staff_client, queue_email):
    [email] = queue_email(attachments=[("PI-1.pdf", b"%PDF-1.4 pi", "application/pdf")])
    attachment = email.attachments.get()

    detail = staff_client.get(email.get_absolute_url())
    response = staff_client.get(
        reverse("notifications:outbox-attachment", args=[email.pk, attachment.pk])
    )

    assert b"PI-1.pdf" in detail.content
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 pi"
    assert response["Content-Disposition"] == 'attachment; filename="PI-1.pdf"'


def test_attachment_of_another_email_is_404(staff_client, queue_email):
    [first] = queue_email(attachments=[("a.pdf", b"%PDF", "application/pdf")])
    [second] = queue_email(recipients=[Recipient(email="other@agent.example")])
    url = reverse("notifications:outbox-attachment", args=[second.pk, first.attachments.get().pk])
    assert staff_client.get(url).status_code == 404


# --- Resend and test email ------------------------------------------------------------------------


def test_resend_queues_a_failed_email_and_sends_it(
    staff_client, failed_email, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("notifications:outbox-resend", args=[failed_email.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == failed_email.get_absolute_url()
    assert _messages(response) == ["The email to buyer@agent.example is queued again."]
    failed_email.refresh_from_db()
    assert failed_email.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_resend_of_a_sent_email_is_refused_with_a_message(staff_client, send_email, mailoutbox):
    [email] = send_email()

    response = staff_client.post(reverse("notifications:outbox-resend", args=[email.pk]))

    assert response.status_code == 302
    assert response["Location"] == email.get_absolute_url()
    assert _messages(response) == ["This email was already sent; it is never sent twice."]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_resend_needs_post(staff_client, failed_email):
    url = reverse("notifications:outbox-resend", args=[failed_email.pk])
    assert staff_client.get(url).status_code == 302
    failed_email.refresh_from_db()
    assert failed_email.status == OutboundEmail.Status.FAILED


def test_resend_of_a_missing_email_is_404(staff_client):
    assert staff_client.post(reverse("notifications:outbox-resend", args=[9999])).status_code == 404


def test_test_email_goes_to_the_signed_in_staff_member(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("notifications:outbox-test"))

    email = OutboundEmail.objects.get()
    assert email.event == "smtp_test"
    assert response.status_code == 302
    assert response["Location"] == email.get_absolute_url()
    assert mailoutbox[0].to == ["lina@lumytic.test"]
    assert mailoutbox[0].from_email.startswith("LUMYTIC | Sales")
    assert "lina@lumytic.test" in _messages(response)[0]


def test_test_email_needs_post(staff_client, mailoutbox):
    assert staff_client.get(reverse("notifications:outbox-test")).status_code == 302
    assert not OutboundEmail.objects.exists()
