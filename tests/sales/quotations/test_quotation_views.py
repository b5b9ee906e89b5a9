"""Quotations in the back-office: the list, the editor, the quotation page and its steps, the
customer page's tab, and the demo data."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sales.models import Order, Product, Quotation
from sales.services.quotations import (
    send_quotation,
)
from tests.factories import (
    CustomerFactory,
)
from tests.sales.quotation_helpers import CABLE, LAMP, draft, sent

pytestmark = pytest.mark.django_db


# --- Back-office pages ---------------------------------------------------------------------------


@pytest.fixture
def office(client, seller):
    client.force_login(seller)
    return client


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_searches_by_number_and_customer_filters_by_status_and_sorts(
    office, customer, buyer, seller
):
    first = draft(customer, seller)
    second = sent(customer, seller)
    other = draft(CustomerFactory(name="Zenith Build"), seller)
    url = reverse("sales:quotation-list")

    html = office.get(url, {"q": first.number}).content.decode()
    assert first.number in html and second.number not in html
    html = office.get(url, {"q": "zenith"}).content.decode()
    assert other.number in html and first.number not in html
    html = office.get(url, {"status": "sent"}).content.decode()
    assert second.number in html and first.number not in html
    html = office.get(url, {"sort": "customer"}).content.decode()
    assert html.index("Acme Trading") < html.index("Zenith Build")
    html = office.get(url, {"sort": "-customer"}).content.decode()
    assert html.index("Zenith Build") < html.index("Acme Trading")
    assert office.get(url, {"sort": "nonsense", "status": "bogus", "page": "x"}).status_code == 200


def test_the_list_runs_the_same_queries_for_5_or_50_quotations(office, seller):
    url = reverse("sales:quotation-list")
    for _ in range(5):
        draft(CustomerFactory(), seller)
    few = _count_queries(office, url)
    for _ in range(45):
        draft(CustomerFactory(), seller)
    assert _count_queries(office, url) == few


def test_the_detail_runs_the_same_queries_for_5_or_50_lines(office, customer, buyer, seller):
    product = Product.objects.create(sku="LMP", name="Lamp", unit_price=1, currency="USD")
    few = draft(customer, seller, lines=[{**LAMP, "product": product}] * 5)
    send_quotation(quotation=few, by=seller)
    many = draft(customer, seller, lines=[{**LAMP, "product": product}] * 50)
    send_quotation(quotation=many, by=seller)
    assert _count_queries(office, few.get_absolute_url()) == _count_queries(
        office, many.get_absolute_url()
    )


def test_the_detail_shows_lines_totals_and_the_timeline(office, customer, buyer, seller):
    quotation = sent(customer, seller)
    html = office.get(quotation.get_absolute_url()).content.decode()
    assert "Desk lamp" in html and "Power cable" in html
    assert "$92.10" in html and "$72.00" in html
    assert "quotation created" in html and "quotation sent" in html
    assert "Send to customer" not in html  # sent: no more sending or editing
    assert reverse("sales:quotation-update", args=[quotation.pk]) not in html


def _editor_data(customer, rows, **header) -> dict:
    data = {
        "customer": str(customer.pk),
        "contact": "",
        "currency": "USD",
        "valid_until": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "terms": "Delivery in 2 weeks",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        **header,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = str(value)
    return data


def test_the_editor_creates_a_draft_with_server_totals_ignoring_posted_ones(office, customer):
    product = Product.objects.create(sku="LMP", name="Desk lamp", unit_price=40, currency="USD")
    rows = [
        {**LAMP, "product": product.pk, "total": "1.00"},
        {"description": "", "quantity": "1", "unit_price": ""},  # a blank row is skipped
        CABLE,
    ]
    data = _editor_data(customer, rows, total="1.00", status="accepted", number="QUO-X")
    response = office.post(reverse("sales:quotation-create"), data)
    quotation = Quotation.objects.get()
    assert response.status_code == 302 and response["Location"] == quotation.get_absolute_url()
    assert quotation.status == Quotation.Status.DRAFT and quotation.number != "QUO-X"
    assert quotation.total == Decimal("92.10") and quotation.terms == "Delivery in 2 weeks"
    assert [line.product for line in quotation.lines.all()] == [product, None]


def test_the_editor_shows_errors_next_to_the_line_and_writes_nothing(office, customer):
    rows = [{**LAMP, "quantity": "0"}, {**CABLE, "unit_price": "abc"}]
    response = office.post(reverse("sales:quotation-create"), _editor_data(customer, rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a quantity above zero." in html and "Enter a number." in html
    assert not Quotation.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"lines-TOTAL_FORMS": "x"},
        {"lines-TOTAL_FORMS": "100000"},
        {"valid_until": "2001-01-01"},
        {"currency": "XYZ<script>"},
        {"contact": "999999"},
        {"lines-0-product": "999999"},
    ],
)
def test_the_editor_answers_bad_input_with_400_never_500(office, customer, data):
    response = office.post(
        reverse("sales:quotation-create"), {**_editor_data(customer, [LAMP]), **data}
    )
    assert response.status_code == 400
    assert not Quotation.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"product": "abc"}, "Enter a whole number."),
        ({"product": "99999999999999999999"}, "That product no longer exists"),
        ({"product_label": "x" * 10_000}, "at most 300 characters (it has 10000)"),
        ({"description": "Lamp\x00"}, "Remove the control characters"),
        ({"quantity": "1000001"}, "Enter a quantity of at most 1000000."),
    ],
)
def test_a_bad_line_is_a_400_with_its_message_next_to_the_line(office, customer, row, message):
    """Issue 16: a non-numeric product id or a 10,000-character label gave a 500."""
    data = _editor_data(customer, [{**LAMP, **row}])
    response = office.post(reverse("sales:quotation-create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Quotation.objects.exists()


def test_the_editor_for_an_unknown_or_inactive_customer_is_404(office):
    inactive = CustomerFactory(is_active=False)
    url = reverse("sales:quotation-create")
    assert office.get(url, {"customer": inactive.pk}).status_code == 404
    assert office.post(url, _editor_data(inactive, [LAMP])).status_code == 404
    assert office.get(url, {"q": "acme"}).status_code == 200  # the customer picker


def test_the_editor_edits_a_draft_but_not_a_sent_quotation(office, customer, buyer, seller):
    quotation = draft(customer, seller)
    url = reverse("sales:quotation-update", args=[quotation.pk])
    assert office.get(url).status_code == 200
    response = office.post(url, _editor_data(customer, [CABLE]))
    assert response.status_code == 302
    quotation.refresh_from_db()
    assert quotation.total == Decimal("16.50")

    send_quotation(quotation=quotation, by=seller)
    response = office.get(url)
    assert response.status_code == 302 and response["Location"] == quotation.get_absolute_url()
    response = office.post(url, _editor_data(customer, [LAMP]))
    assert response.status_code == 400
    assert "only a draft can be changed" in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.total == Decimal("16.50")


def test_the_picker_finds_active_products_by_sku_or_name(office):
    Product.objects.create(sku="LMP-1", name="Desk lamp", unit_price=40, currency="USD")
    Product.objects.create(sku="CBL-1", name="Cable", unit_price=5, currency="USD")
    Product.objects.create(
        sku="LMP-OLD", name="Old lamp", unit_price=9, currency="USD", is_active=False
    )
    url = reverse("sales:product-search")
    html = office.get(url, {"q": "lmp", "row": "0"}).content.decode()
    assert "Desk lamp" in html and "Cable" not in html and "Old lamp" not in html
    html = office.get(url, {"q": "cable", "row": "0"}).content.decode()
    assert "CBL-1" in html


def test_choosing_a_product_fills_the_row_in_the_quotation_currency(
    office, customer, activate, add_rate
):
    activate("EUR")
    add_rate("EUR", "0.80", on=timezone.localdate())
    customer.discount_type = "percent"
    customer.discount_value = Decimal("5")
    customer.save()
    product = Product.objects.create(
        sku="LMP", name="Desk lamp", unit_price=Decimal("40"), currency="USD", tax_rate=15
    )
    url = reverse("sales:quotation-line")
    params = {"index": "3", "product": product.pk, "customer": customer.pk, "currency": "EUR"}
    html = office.get(url, params).content.decode()
    assert 'name="lines-3-unit_price" value="32.00"' in html  # 40 USD at 0.80
    assert 'name="lines-3-description"' in html and 'value="Desk lamp"' in html
    assert 'name="lines-3-tax_rate" value="15"' in html
    assert 'name="lines-3-discount_percent" value="5"' in html
    assert f'name="lines-3-product" value="{product.pk}"' in html

    response = office.get(url, {**params, "currency": "JPY"})  # no JPY rate
    assert response.status_code == 400 and "no exchange rate" in response.content.decode().lower()
    assert office.get(url, {"index": "x"}).status_code == 400
    assert office.get(url, {"index": "1"}).status_code == 200  # a blank row


def test_the_live_preview_totals_what_is_typed_so_far(office, customer):
    rows = [LAMP, {**CABLE, "unit_price": "abc"}]
    response = office.post(reverse("sales:quotation-preview"), _editor_data(customer, rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert "$75.60" in html  # only the valid line counts
    assert not Quotation.objects.exists()


def test_send_decline_duplicate_and_pdf_views(office, customer, buyer, seller, mailoutbox):
    quotation = draft(customer, seller)
    send = reverse("sales:quotation-send", args=[quotation.pk])
    assert office.get(send).status_code == 302
    response = office.post(send, follow=True)
    assert "is sent" in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT

    response = office.post(send, follow=True)
    assert "cannot become sent" in response.content.decode()

    decline = reverse("sales:quotation-decline", args=[quotation.pk])
    response = office.post(decline, {"reason": " "})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT
    office.post(decline, {"reason": "Found a cheaper supplier", "status": "accepted"})
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DECLINED
    assert quotation.decline_reason == "Found a cheaper supplier"

    response = office.post(reverse("sales:quotation-duplicate", args=[quotation.pk]))
    copy = Quotation.objects.exclude(pk=quotation.pk).get()
    assert response["Location"] == copy.get_absolute_url()

    response = office.get(reverse("sales:quotation-pdf", args=[quotation.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="{quotation.number}.pdf"' in response["Content-Disposition"]
    assert office.get(reverse("sales:quotation-pdf", args=[999999])).status_code == 404


def test_portal_users_cannot_open_office_quotation_pages(client, customer, buyer, seller):
    quotation = draft(customer, seller)
    client.force_login(buyer.user)
    for name in ("sales:quotation-detail", "sales:quotation-pdf", "sales:quotation-update"):
        assert client.get(reverse(name, args=[quotation.pk])).status_code == 403
    assert client.post(reverse("sales:quotation-send", args=[quotation.pk])).status_code == 403
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DRAFT


# --- The customer page's tab ---------------------------------------------------------------------


def test_the_customer_tab_lists_only_that_customers_quotations(office, customer, seller):
    mine = draft(customer, seller)
    theirs = draft(CustomerFactory(), seller)
    url = reverse("sales:customer-quotations", args=[customer.pk])
    html = office.get(url).content.decode()
    assert mine.number in html and theirs.number not in html
    assert f"{reverse('sales:quotation-create')}?customer={customer.pk}" in html


def test_the_customer_tab_runs_the_same_queries_for_5_or_50_quotations(office, customer, seller):
    url = reverse("sales:customer-quotations", args=[customer.pk])
    for _ in range(5):
        draft(customer, seller, lines=[CABLE])
    few = _count_queries(office, url)
    for _ in range(45):
        draft(customer, seller, lines=[CABLE])
    assert _count_queries(office, url) == few


# --- Demo data -----------------------------------------------------------------------------------


def test_the_demo_has_products_in_several_currencies_and_a_quotation_at_every_status():
    from django.core.management import call_command

    from sales.demo_documents import PRODUCTS, load_demo_quotations

    call_command("demo", stdout=io.StringIO())  # the demo command loads them itself

    assert Quotation.objects.count() == 7
    skus = [row[0] for row in PRODUCTS]
    assert Product.objects.filter(sku__in=skus).values("currency").distinct().count() >= 3
    assert set(Quotation.objects.values_list("status", flat=True)) == set(Quotation.Status.values)
    accepted = Quotation.objects.get(status=Quotation.Status.ACCEPTED)
    assert accepted.order.status == Order.Status.SUBMITTED
    assert all(q.lines.exists() and q.total > 0 for q in Quotation.objects.all())
    assert load_demo_quotations() == 0  # idempotent
    assert Quotation.objects.count() == 7
    assert Product.objects.filter(sku__in=skus).count() == len(skus)


@pytest.mark.parametrize(
    "data",
    [{"lines-TOTAL_FORMS": "x"}, {"currency": "?"}, {"lines-0-quantity": "1e999999"}, {}],
)
def test_the_preview_never_fails_on_bad_input(office, customer, data):
    payload = {**_editor_data(customer, [LAMP]), **data} if data else {}
    response = office.post(reverse("sales:quotation-preview"), payload)
    assert response.status_code == 200
    assert 'id="quotation-totals"' in response.content.decode()
