"""Portal cancellations: request from a confirmed order, follow it, download the cancellation
order, upload the signed copy; the area, "only show my own orders", other customers, queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import Cancellation, Order, SignedCancellation
from sales.services.cancellations import (
    approve_signed_cancellation,
    complete_cancellation,
    confirm_cancellation,
    refuse_cancellation,
    reject_signed_cancellation,
    request_cancellation,
)
from sales.services.orders import create_order
from tests.factories import PortalContactFactory
from tests.helpers import assert_pdf_attachment
from tests.portal.helpers import acme_buyer, confirmed_order
from tests.sales.helpers import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("usd_site")]

REASON = "We no longer need the goods."


@pytest.fixture
def buyer(client, owner):
    """A signed-in portal user of Acme Trading with the orders and cancellations areas."""
    contact = acme_buyer(owner, [Area.ORDERS, Area.CANCELLATIONS])
    client.force_login(contact.user)
    return contact.user


@pytest.fixture
def order(buyer):
    return confirmed_order(buyer.contact.customer, buyer)


def request_url(order) -> str:
    return reverse("portal:order-cancellation-request", args=[order.pk])


def test_the_order_page_offers_a_cancellation_request(client, order):
    html = client.get(reverse("portal:order-detail", args=[order.pk])).content.decode()
    assert "Request cancellation" in html and request_url(order) in html


def test_requesting_creates_the_request_and_shows_it(client, order, buyer):
    page = client.get(request_url(order))
    assert page.status_code == 200 and order.number in page.content.decode()

    response = client.post(request_url(order), {"reason": REASON})

    cancellation = Cancellation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:cancellation-detail", args=[cancellation.pk])
    assert (cancellation.order, cancellation.requested_by, cancellation.reason) == (
        order,
        buyer,
        REASON,
    )
    html = client.get(response["Location"]).content.decode()
    assert "reviewing your request" in html and REASON in html
    html = client.get(reverse("portal:cancellations")).content.decode()
    assert order.number in html and "cancellation-status-requested" in html
    html = client.get(reverse("portal:order-detail", args=[order.pk])).content.decode()
    assert "Request cancellation" not in html


def test_a_request_without_a_reason_is_a_400_and_writes_nothing(client, order):
    response = client.post(request_url(order), {"reason": "  "})
    assert response.status_code == 400
    assert "Tell us why the order should be cancelled." in response.content.decode()
    assert not Cancellation.objects.exists()


def test_an_unconfirmed_order_cannot_be_cancelled_by_request(client, buyer):
    draft = create_order(
        customer=buyer.contact.customer,
        by=buyer,
        placed_by=buyer,
        lines=[{"description": "Box", "quantity": 1, "unit_price": 5}],
        submit=True,
    )
    assert "cancel it yourself" in client.get(request_url(draft)).content.decode()
    response = client.post(request_url(draft), {"reason": REASON})
    assert response.status_code == 400
    assert "cancel it directly" in response.content.decode()
    assert not Cancellation.objects.exists()


def test_without_the_cancellations_area_the_pages_are_closed(client, order, buyer):
    set_portal_access(contact=buyer.contact, by=None, areas=[Area.ORDERS])
    html = client.get(reverse("portal:order-detail", args=[order.pk])).content.decode()
    assert "Request cancellation" not in html
    assert client.get(request_url(order)).status_code == 403
    assert client.post(request_url(order), {"reason": REASON}).status_code == 403
    assert client.get(reverse("portal:cancellations")).status_code == 403
    assert not Cancellation.objects.exists()


def test_own_orders_only_hides_a_colleagues_order_and_cancellation(client, buyer, owner):
    colleague = PortalContactFactory(customer=buyer.contact.customer, is_primary=False)
    theirs = confirmed_order(buyer.contact.customer, colleague.user)
    cancellation = request_cancellation(order=theirs, by=colleague.user, reason=REASON)
    assert (
        client.get(reverse("portal:cancellation-detail", args=[cancellation.pk])).status_code == 200
    )

    access = buyer.portal_access
    access.own_orders_only = True
    access.save()
    assert client.get(request_url(theirs)).status_code == 404
    assert (
        client.get(reverse("portal:cancellation-detail", args=[cancellation.pk])).status_code == 404
    )
    assert theirs.number not in client.get(reverse("portal:cancellations")).content.decode()


def test_the_signed_copy_is_uploaded_and_reviewed(client, order, buyer, owner):
    cancellation = request_cancellation(order=order, by=buyer, reason=REASON)
    url = reverse("portal:cancellation-detail", args=[cancellation.pk])
    assert reverse("portal:cancellation-pdf", args=[cancellation.pk]) not in (
        client.get(url).content.decode()
    )
    assert client.get(reverse("portal:cancellation-pdf", args=[cancellation.pk])).status_code == 404

    confirm_cancellation(cancellation=cancellation, by=owner)
    cancellation.refresh_from_db()
    html = client.get(url).content.decode()
    assert cancellation.number in html and "Upload the signed cancellation order" in html
    pdf = client.get(reverse("portal:cancellation-pdf", args=[cancellation.pk]))
    assert_pdf_attachment(pdf, f"{cancellation.number}.pdf")

    upload = reverse("portal:cancellation-upload", args=[cancellation.pk])
    bad = client.post(upload, {"file": SimpleUploadedFile("s.pdf", b"<html>not a pdf</html>")})
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    assert not SignedCancellation.objects.exists()

    response = client.post(upload, {"file": SimpleUploadedFile("signed copy.pdf", PDF)})
    assert response.status_code == 302
    document = SignedCancellation.objects.get()
    html = client.get(url).content.decode()
    assert "signed copy.pdf" in html and "reviewing your signed copy" in html
    file = client.get(reverse("portal:signed-cancellation-file", args=[document.pk]))
    assert b"".join(file.streaming_content) == PDF
    assert file["X-Content-Type-Options"] == "nosniff"

    # A second upload while one waits for review is refused, by its field.
    again = client.post(upload, {"file": SimpleUploadedFile("again.pdf", PDF)})
    assert again.status_code == 400 and SignedCancellation.objects.count() == 1

    approve_signed_cancellation(document=document, by=owner)
    complete_cancellation(cancellation=cancellation, by=owner)
    html = client.get(url).content.decode()
    assert "was cancelled on" in html
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_a_refused_request_shows_the_reason_and_may_be_asked_again(client, order, buyer, owner):
    cancellation = request_cancellation(order=order, by=buyer, reason=REASON)
    refuse_cancellation(cancellation=cancellation, by=owner, reason="Already delivered.")
    html = client.get(reverse("portal:cancellation-detail", args=[cancellation.pk])).content
    assert "Already delivered." in html.decode()
    html = client.get(reverse("portal:order-detail", args=[order.pk])).content.decode()
    assert "Request cancellation" in html


def test_the_list_filters_by_status(client, buyer, owner):
    first = request_cancellation(
        order=confirmed_order(buyer.contact.customer, buyer), by=buyer, reason=REASON
    )
    second = request_cancellation(
        order=confirmed_order(buyer.contact.customer, buyer), by=buyer, reason=REASON
    )
    confirm_cancellation(cancellation=second, by=owner)
    html = client.get(reverse("portal:cancellations"), {"status": "confirmed"}).content.decode()
    assert second.order.number in html and first.order.number not in html
    html = client.get(reverse("portal:cancellations"), {"status": "bogus"}).content.decode()
    assert second.order.number in html and first.order.number in html


def test_the_list_and_the_detail_run_constant_queries(client, buyer, owner):
    customer = buyer.contact.customer

    def grow(count):
        for _ in range(count):
            request_cancellation(order=confirmed_order(customer, buyer), by=buyer, reason=REASON)

    grow(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("portal:cancellations")).status_code == 200
    grow(45)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(reverse("portal:cancellations")).status_code == 200
    assert len(five) == len(fifty)


def test_the_detail_runs_constant_queries_whatever_the_versions(client, order, buyer, owner):
    cancellation = request_cancellation(order=order, by=buyer, reason=REASON)
    confirm_cancellation(cancellation=cancellation, by=owner)
    url = reverse("portal:cancellation-detail", args=[cancellation.pk])
    with CaptureQueriesContext(connection) as none:
        assert client.get(url).status_code == 200
    for index in range(4):
        upload = reverse("portal:cancellation-upload", args=[cancellation.pk])
        client.post(upload, {"file": SimpleUploadedFile(f"v{index}.pdf", PDF)})
        document = SignedCancellation.objects.filter(cancellation=cancellation).first()
        reject_signed_cancellation(document=document, by=owner, reason="Again")
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).status_code == 200
    assert len(none) == len(four)
