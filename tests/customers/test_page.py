"""The customer page: its tabs, notes, reminders, credits and activity."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import tabs
from customers.models import ActivityEntry, Credit, Note, Reminder
from customers.services import (
    CustomerError,
    add_credit,
    add_note,
    add_reminder,
    delete_note,
    delete_reminder,
)
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    PortalContactFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TAB_URLS = [
    "customers:customer-detail",
    "customers:customer-contacts",
    "portal_office:customer-portal",
    "sales:customer-quotations",
    "sales:customer-orders",
    "sales:customer-proforma-invoices",
    "sales:customer-payments",
    "sales:customer-cancellations",
    "conversations:customer-tickets",
    "customers:customer-notes",
    "customers:customer-reminders",
    "customers:customer-activity",
    "sales:customer-fx-rates",
    "customers:customer-credits",
]


def test_the_page_has_every_tab_of_the_issue_in_order():
    labels = [str(tab.label) for tab in tabs.customer_tabs()]
    assert labels == [
        "Summary",
        "Contacts",
        "Portal",
        "Quotations",
        "Orders",
        "Proforma invoices",
        "Payments",
        "Cancellations",
        "Tickets",
        "Notes",
        "Reminders",
        "Activity",
        "FX rates",
        "Credits",
    ]
    assert [tab.url_name for tab in tabs.customer_tabs()] == TAB_URLS


@pytest.mark.parametrize("name", TAB_URLS)
def test_every_tab_renders_inside_the_page_and_marks_itself_active(client, staff, name):
    customer = CustomerFactory(name="Acme Trading")
    url = reverse(name, args=[customer.pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme Trading" in html and "<html" in html
    assert f'href="{url}" role="tab"\n         aria-selected="true"' in html
    for other in TAB_URLS:
        assert reverse(other, args=[customer.pk]) in html


@pytest.mark.parametrize("name", TAB_URLS)
def test_a_tab_asked_for_by_htmx_comes_without_the_page_around_it(client, staff, name):
    customer = CustomerFactory()
    url = reverse(name, args=[customer.pk])
    response = client.get(url, headers={"HX-Request": "true", "HX-Target": "customer-tab"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="customer-tab"' in html


@pytest.mark.parametrize("name", TAB_URLS)
def test_tabs_are_404_for_a_missing_customer_and_403_for_portal_users(client, name):
    client.force_login(StaffFactory())
    assert client.get(reverse(name, args=[999999])).status_code == 404
    contact = PortalContactFactory()
    client.force_login(contact.user)
    assert client.get(reverse(name, args=[contact.customer_id])).status_code == 403


def test_document_tabs_of_later_issues_show_an_empty_state(client, staff):
    customer = CustomerFactory()
    html = client.get(reverse("sales:customer-orders", args=[customer.pk])).content.decode()
    assert "No orders from this customer yet." in html and "empty-state" in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _rows(customer, staff, count: int) -> None:
    """Give a customer `count` more rows of everything its page shows."""
    for i in range(count):
        add_note(customer=customer, by=staff, text=f"Note {i}")
        add_credit(
            customer=customer, by=staff, amount=Decimal("10"), currency="USD", reason="Refund"
        )
        add_reminder(
            customer=customer,
            by=staff,
            staff=StaffFactory(),
            due_at=timezone.now() + timedelta(days=1),
            text=f"Call {i}",
        )
        ContactFactory(customer=customer, is_primary=False)


@pytest.mark.parametrize("name", TAB_URLS)
def test_each_tab_runs_the_same_queries_for_5_and_50_rows(client, staff, name):
    customer = CustomerFactory()
    ContactFactory(customer=customer)
    customer.tags.create(name="vip")
    _rows(customer, staff, 5)
    url = reverse(name, args=[customer.pk])
    few = _queries(client, url)
    _rows(customer, staff, 45)
    customer.tags.create(name="export")
    assert _queries(client, url) == few


def test_summary_shows_balance_totals_and_last_activity(client, staff):
    customer = CustomerFactory(default_currency="EUR")
    add_credit(customer=customer, by=staff, amount=Decimal("120.50"), currency="EUR", reason="x")
    add_credit(customer=customer, by=staff, amount=Decimal("30"), currency="EUR", reason="y")
    add_note(customer=customer, by=staff, text="Prefers calls after 2 pm")
    html = client.get(customer.get_absolute_url()).content.decode()
    assert "-€150.50" in html  # credits are owed to the customer
    assert "€150.50" in html and "Credits" in html
    assert "note added" in html and "Prefers calls after 2 pm" in html


def test_a_summary_provider_from_another_app_adds_totals_and_balance(client, staff):
    customer = CustomerFactory()

    def orders(customer):
        total = tabs.DocumentTotal(label="Orders", count=3, amounts={"USD": Decimal("900")})
        return tabs.SummaryPart(totals=[total], balance={"USD": Decimal("900")})

    tabs.register_summary(orders)
    try:
        add_credit(customer=customer, by=staff, amount=Decimal("100"), currency="USD", reason="x")
        html = client.get(customer.get_absolute_url()).content.decode()
    finally:
        tabs._summaries.remove(orders)
    assert "$800.00" in html and "$900.00" in html


# Notes


def test_staff_add_a_note_and_it_is_on_the_timeline(client, staff):
    customer = CustomerFactory()
    url = reverse("customers:customer-notes", args=[customer.pk])
    response = client.post(url, {"text": "Asked for a discount on bulk orders"})
    assert response.status_code == 302 and response.url == url
    note = Note.objects.get(customer=customer)
    assert note.author == staff
    assert ActivityEntry.objects.filter(verb="note added", customer=customer).exists()
    assert "Asked for a discount" in client.get(url).content.decode()


def test_an_empty_note_is_refused_with_a_400_and_nothing_saved(client, staff):
    customer = CustomerFactory()
    url = reverse("customers:customer-notes", args=[customer.pk])
    response = client.post(url, {"text": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Note.objects.exists()


def test_only_the_author_or_an_admin_changes_or_deletes_a_note(client):
    author, other = StaffFactory(), StaffFactory()
    note = add_note(customer=CustomerFactory(), by=author, text="Original")
    client.force_login(other)
    edit = reverse("customers:note-update", args=[note.customer_id, note.pk])
    delete = reverse("customers:note-delete", args=[note.customer_id, note.pk])
    client.post(edit, {"text": "Hijacked"})
    client.post(delete)
    note.refresh_from_db()
    assert note.text == "Original"

    client.force_login(author)
    client.post(edit, {"text": "Corrected"})
    note.refresh_from_db()
    assert note.text == "Corrected"
    change = ActivityEntry.objects.get(verb="note changed")
    assert change.details == {"text": ["Original", "Corrected"]}

    admin = StaffFactory(is_staff=True)
    delete_note(note=note, by=admin)
    assert not Note.objects.exists()


def test_a_note_of_another_customer_is_404(client, staff):
    note = add_note(customer=CustomerFactory(), by=staff, text="x")
    elsewhere = CustomerFactory()
    for name in ["note-update", "note-delete"]:
        url = reverse(f"customers:{name}", args=[elsewhere.pk, note.pk])
        assert client.post(url, {"text": "y"}).status_code == 404


# Reminders


def test_staff_set_a_reminder_for_a_colleague(client, staff):
    customer = CustomerFactory()
    colleague = StaffFactory(first_name="Lina")
    url = reverse("customers:customer-reminders", args=[customer.pk])
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"due_at": due, "staff": colleague.pk, "text": "Renewal call"})
    assert response.status_code == 302
    reminder = Reminder.objects.get(customer=customer)
    assert reminder.staff == colleague and reminder.created_by == staff
    assert reminder.notified_at is None
    assert "Renewal call" in client.get(url).content.decode()


def test_a_reminder_in_the_past_or_for_a_portal_user_is_refused(client, staff):
    customer = CustomerFactory()
    url = reverse("customers:customer-reminders", args=[customer.pk])
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"due_at": past, "staff": staff.pk, "text": "Too late"})
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()
    portal = PortalContactFactory().user
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"due_at": future, "staff": portal.pk, "text": "x"})
    assert response.status_code == 400
    assert not Reminder.objects.exists()
    with pytest.raises(CustomerError):
        add_reminder(
            customer=customer,
            by=staff,
            staff=UserFactory(role="portal"),
            due_at=timezone.now() + timedelta(days=1),
            text="x",
        )


def test_a_pending_reminder_can_be_cancelled_but_an_emailed_one_stays(client, staff):
    customer = CustomerFactory()
    due = timezone.now() + timedelta(days=1)
    pending = add_reminder(customer=customer, by=staff, staff=staff, due_at=due, text="a")
    sent = add_reminder(customer=customer, by=staff, staff=staff, due_at=due, text="b")
    Reminder.objects.filter(pk=sent.pk).update(notified_at=timezone.now())
    client.post(reverse("customers:reminder-delete", args=[customer.pk, pending.pk]))
    response = client.post(
        reverse("customers:reminder-delete", args=[customer.pk, sent.pk]), follow=True
    )
    assert "already emailed" in response.content.decode()
    assert list(Reminder.objects.values_list("pk", flat=True)) == [sent.pk]
    with pytest.raises(CustomerError):
        delete_reminder(reminder=sent, by=staff)


# Credits


def test_staff_record_a_credit(client, staff):
    customer = CustomerFactory()
    url = reverse("customers:customer-credits", args=[customer.pk])
    response = client.post(url, {"amount": "250.00", "currency": "EUR", "reason": "Cancelled"})
    assert response.status_code == 302
    credit = Credit.objects.get(customer=customer)
    assert credit.amount == Decimal("250.00") and credit.created_by == staff
    entry = ActivityEntry.objects.get(verb="credit added")
    assert entry.details["amount"] == "250.00"
    assert "€250.00" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "0", "currency": "USD", "reason": "x"},
        {"amount": "-5", "currency": "USD", "reason": "x"},
        {"amount": "abc", "currency": "USD", "reason": "x"},
        {"amount": "5", "currency": "XYZ", "reason": "x"},
        {"amount": "5", "currency": "USD", "reason": ""},
    ],
)
def test_a_bad_credit_is_refused_with_a_400(client, staff, data):
    customer = CustomerFactory()
    response = client.post(reverse("customers:customer-credits", args=[customer.pk]), data)
    assert response.status_code == 400
    assert not Credit.objects.exists()


def test_a_customer_with_a_credit_cannot_be_deleted(client, staff):
    customer = CustomerFactory()
    add_credit(customer=customer, by=staff, amount=Decimal("1"), currency="USD", reason="x")
    response = client.post(reverse("customers:customer-delete", args=[customer.pk]), follow=True)
    assert response.status_code == 200
    assert type(customer).objects.filter(pk=customer.pk).exists()


# Activity


def test_the_activity_tab_pages_through_the_timeline_with_old_and_new_values(client, staff):
    customer = CustomerFactory()
    for i in range(30):
        add_note(customer=customer, by=staff, text=f"n{i}")
    ActivityEntry.objects.create(
        actor=staff,
        verb="changed",
        target_type_id=ActivityEntry.objects.first().target_type_id,
        target_id=str(customer.pk),
        target_repr=customer.name,
        customer=customer,
        details={"billing_city": ["Dubai", "Abu Dhabi"]},
    )
    url = reverse("customers:customer-activity", args=[customer.pk])
    first = client.get(url).content.decode()
    assert "<del>Dubai</del> → <ins>Abu Dhabi</ins>" in first
    assert first.count('class="activity-entry') == 25
    second = client.get(url + "?page=2").content.decode()
    assert second.count('class="activity-entry') == 6


def test_a_credit_with_more_decimals_than_its_currency_is_refused(staff):
    customer = CustomerFactory()
    with pytest.raises(CustomerError, match="JPY amounts have at most 0 decimals"):
        add_credit(customer=customer, by=staff, amount=Decimal("10.5"), currency="JPY", reason="x")
    credit = add_credit(
        customer=customer, by=staff, amount=Decimal("1.250"), currency="KWD", reason="x"
    )
    credit.refresh_from_db()
    assert credit.amount == Decimal("1.250")
