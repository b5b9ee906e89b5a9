"""Cancellation orders in the back-office: the list with its filters, the cancellation page and
its steps, the order page's entry, the customer tab, the sidebar counts, staff-only access, the
admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.models import Cancellation, Order, SignedCancellation
from sales.services.cancellations import (
    confirm_cancellation,
    refuse_cancellation,
    reject_signed_cancellation,
    request_cancellation,
    upload_signed_cancellation,
)
from sales.services.orders import create_order
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.sales.helpers import (
    CANCELLATION_REASON,
    PDF,
    approved_pi,
    emails,
    proof,
    status_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media", "seller_profile")]


# --- Back-office pages ---------------------------------------------------------------------------


@pytest.fixture
def office(client, owner):
    client.force_login(owner)
    return client


def test_the_list_filters_by_status_awaiting_owner_customer_and_search(office, pi, buyer, owner):
    other_staff = StaffFactory(first_name="Zed")
    requested = request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)
    other_customer = PortalContactFactory(
        customer__name="Nile Valley", customer__advisor=other_staff
    )
    other_pi = approved_pi(other_customer.customer, other_customer.user, other_staff)
    Order.objects.filter(pk=other_pi.order_id).update(owner=other_staff)
    other = request_cancellation(
        order=Order.objects.get(pk=other_pi.order_id),
        by=other_customer.user,
        reason=CANCELLATION_REASON,
    )
    confirm_cancellation(cancellation=other, by=other_staff)

    def shown(**params) -> set[str]:
        response = office.get(reverse("sales:cancellation-list"), params)
        assert response.status_code == 200
        html = response.content.decode()
        return {
            c.order.number for c in (requested, other) if f'data-order="{c.order.number}"' in html
        }

    both = {requested.order.number, other.order.number}
    assert shown() == both
    assert shown(status="confirmed") == {other.order.number}
    assert shown(awaiting="1") == {requested.order.number}
    assert shown(owner="me") == {requested.order.number}
    assert shown(owner=str(other_staff.pk)) == {other.order.number}
    assert shown(customer=str(other_customer.customer_id)) == {other.order.number}
    assert shown(q="Nile") == {other.order.number}
    assert shown(q=other.order.number) == {other.order.number}
    assert shown(status="nonsense", sort="bogus", page="99") == both


def test_the_list_runs_the_same_queries_for_5_and_50_rows(office, buyer, owner):
    def grow(count):
        for _ in range(count):
            pi = approved_pi(buyer.contact.customer, buyer, owner)
            request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)

    grow(5)
    with CaptureQueriesContext(connection) as five:
        assert office.get(reverse("sales:cancellation-list")).status_code == 200
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        assert (
            office.get(reverse("sales:cancellation-list"), {"sort": "customer"}).status_code == 200
        )
    assert len(five) == len(fifty)


def test_the_page_walks_through_every_step(office, requested, buyer, owner):
    url = reverse("sales:cancellation-detail", args=[requested.pk])
    html = office.get(url).content.decode()
    assert CANCELLATION_REASON in html and "Confirm and send for signing" in html

    assert (
        office.post(reverse("sales:cancellation-confirm", args=[requested.pk])).status_code == 302
    )
    requested.refresh_from_db()
    html = office.get(url).content.decode()
    assert requested.number in html and "waiting for the signed copy" in html
    pdf = office.get(reverse("sales:cancellation-pdf", args=[requested.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"

    document = upload_signed_cancellation(cancellation=requested, by=buyer, file=proof())
    html = office.get(url).content.decode()
    assert reverse("sales:signed-cancellation-approve", args=[document.pk]) in html
    file = office.get(reverse("sales:signed-cancellation-file", args=[document.pk]))
    assert b"".join(file.streaming_content) == PDF
    assert f"{requested.number}-signed-v1.pdf" in file["Content-Disposition"]

    response = office.post(reverse("sales:signed-cancellation-approve", args=[document.pk]))
    assert response.status_code == 302
    html = office.get(url).content.decode()
    assert "Apply the cancellation" in html
    response = office.post(reverse("sales:cancellation-complete", args=[requested.pk]))
    assert response.status_code == 302
    assert status_of(requested.order) == Order.Status.CANCELLED
    html = office.get(url).content.decode()
    assert "Credited to the customer" in html


def test_a_refusal_without_a_reason_is_a_400_and_changes_nothing(office, requested):
    response = office.post(
        reverse("sales:cancellation-refuse", args=[requested.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Give the customer a reason for refusing" in response.content.decode()
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REQUESTED
    assert not emails("cancellation_refused")

    response = office.post(
        reverse("sales:cancellation-refuse", args=[requested.pk]), {"reason": "Shipped already."}
    )
    assert response.status_code == 302
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REFUSED


def test_rejecting_a_signed_copy_without_a_reason_is_a_400(office, signed):
    document = signed.signed_documents.get()
    url = reverse("sales:signed-cancellation-reject", args=[document.pk])
    response = office.post(url, {"reason": " "})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert SignedCancellation.objects.get(pk=document.pk).status == "pending"
    assert office.post(url, {"reason": "Unsigned"}).status_code == 302
    assert SignedCancellation.objects.get(pk=document.pk).status == "rejected"


def test_an_illegal_step_from_the_page_is_a_message_not_an_error(office, requested):
    response = office.post(reverse("sales:cancellation-complete", args=[requested.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot become completed" in response.content.decode()
    assert office.get(reverse("sales:cancellation-pdf", args=[requested.pk])).status_code == 404


def test_staff_open_a_cancellation_from_the_order_page(office, pi):
    order_url = reverse("sales:order-detail", args=[pi.order_id])
    assert "Open a cancellation order" in office.get(order_url).content.decode()
    url = reverse("sales:order-cancellation-create", args=[pi.order_id])

    response = office.post(url, {"reason": ""})
    assert response.status_code == 400 and not Cancellation.objects.exists()

    response = office.post(url, {"reason": "Customer phoned."})
    cancellation = Cancellation.objects.get()
    assert response.status_code == 302 and response["Location"] == cancellation.get_absolute_url()
    html = office.get(order_url).content.decode()
    assert "Open a cancellation order" not in html
    assert cancellation.get_absolute_url() in html


def test_the_order_page_offers_no_cancellation_order_before_confirmation(office, buyer):
    order = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[{"description": "Box", "quantity": 1, "unit_price": 5}],
    )
    html = office.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert "Open a cancellation order" not in html
    url = reverse("sales:order-cancellation-create", args=[order.pk])
    assert office.post(url, {"reason": "x"}, follow=True).status_code == 200
    assert not Cancellation.objects.exists()


def test_the_customer_tab_lists_cancellations_in_constant_queries(office, buyer, owner):
    customer = buyer.contact.customer
    url = reverse("sales:customer-cancellations", args=[customer.pk])
    assert "No cancellation orders for this customer." in office.get(url).content.decode()

    def grow(count):
        for _ in range(count):
            pi = approved_pi(customer, buyer, owner)
            request_cancellation(order=pi.order, by=buyer, reason=CANCELLATION_REASON)

    grow(5)
    with CaptureQueriesContext(connection) as five:
        html = office.get(url).content.decode()
    assert html.count("cancellation-status-requested") == 5
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        assert office.get(url).status_code == 200
    assert len(five) == len(fifty)
    other = CustomerFactory()
    assert (
        "No cancellation orders"
        in office.get(reverse("sales:customer-cancellations", args=[other.pk])).content.decode()
    )


def test_the_detail_page_runs_the_same_queries_for_1_and_8_versions(
    office, confirmed, buyer, owner
):
    def cycle():
        document = upload_signed_cancellation(cancellation=confirmed, by=buyer, file=proof())
        reject_signed_cancellation(document=document, by=owner, reason="Again")

    url = reverse("sales:cancellation-detail", args=[confirmed.pk])
    cycle()
    with CaptureQueriesContext(connection) as one:
        assert office.get(url).status_code == 200
    for _ in range(7):
        cycle()
    with CaptureQueriesContext(connection) as eight:
        html = office.get(url).content.decode()
    assert html.count("signed-cancellation-") >= 8
    assert len(one) == len(eight)


def test_the_sidebar_count_is_what_awaits_staff(requested, buyer, owner):
    """Requests to decide plus cancellations whose signed copy awaits review, each once."""
    from lumytic.core.nav import sidebar_counts as needs_action_counts

    other = approved_pi(buyer.contact.customer, buyer, owner)
    waiting = confirm_cancellation(
        cancellation=request_cancellation(order=other.order, by=buyer, reason=CANCELLATION_REASON),
        by=owner,
    )
    assert needs_action_counts()["cancellations"] == 1
    upload_signed_cancellation(cancellation=waiting, by=buyer, file=proof())
    assert needs_action_counts()["cancellations"] == 2
    assert Cancellation.objects.awaiting_staff().count() == 2
    refuse_cancellation(cancellation=requested, by=owner, reason="No")
    assert needs_action_counts()["cancellations"] == 1


def test_the_sidebar_counts_cancellations_to_act_on(office, requested, owner):
    html = office.get(reverse("sales:cancellation-list")).content.decode()
    assert "cancellation orders to decide or review" in html
    confirm_cancellation(cancellation=requested, by=owner)
    html = office.get(reverse("sales:cancellation-list")).content.decode()
    assert "cancellation orders to decide or review" not in html


def test_portal_users_cannot_open_office_cancellation_pages(client, requested, buyer):
    client.force_login(buyer)
    for url in (
        reverse("sales:cancellation-list"),
        reverse("sales:cancellation-detail", args=[requested.pk]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("sales:cancellation-confirm", args=[requested.pk])).status_code == 403
    )
    assert Cancellation.objects.get(pk=requested.pk).status == Cancellation.Status.REQUESTED


def test_the_admin_shows_cancellations_but_never_changes_them(client, signed):
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:sales_cancellation_changelist")).content.decode()
    assert signed.number in html
    change = client.get(reverse("admin:sales_cancellation_change", args=[signed.pk]))
    assert change.status_code == 200 and "signed.pdf" in change.content.decode()
    assert client.get(reverse("admin:sales_cancellation_add")).status_code == 403
    response = client.post(
        reverse("admin:sales_cancellation_delete", args=[signed.pk]), {"post": "yes"}
    )
    assert response.status_code == 403 and Cancellation.objects.filter(pk=signed.pk).exists()
