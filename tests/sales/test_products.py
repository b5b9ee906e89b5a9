"""The product catalogue in the back-office: search, filter, create, edit, deactivate."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.models import Product
from tests.factories import PortalContactFactory

pytestmark = pytest.mark.django_db

LIST = reverse("sales:product-list")


def product(sku: str, name: str, **kwargs) -> Product:
    values = {"unit_price": Decimal("10.00"), "currency": "USD", **kwargs}
    return Product.objects.create(sku=sku, name=name, **values)


def _rows(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('data-sku="')[1:]]


def test_the_list_searches_sku_and_name_and_filters_active(client, staff):
    product("LMP-100", "Desk lamp", unit_price=Decimal("40"))
    product("CBL-200", "Power cable")
    product("LMP-OLD", "Brass lamp", is_active=False)

    assert _rows(client.get(LIST).content.decode()) == ["LMP-OLD", "LMP-100", "CBL-200"]
    assert _rows(client.get(LIST, {"q": "lmp"}).content.decode()) == ["LMP-OLD", "LMP-100"]
    assert _rows(client.get(LIST, {"q": "cable"}).content.decode()) == ["CBL-200"]
    assert _rows(client.get(LIST, {"q": "lamp", "active": "yes"}).content.decode()) == ["LMP-100"]
    assert _rows(client.get(LIST, {"active": "no"}).content.decode()) == ["LMP-OLD"]
    assert _rows(client.get(LIST, {"sort": "-sku"}).content.decode()) == [
        "LMP-OLD",
        "LMP-100",
        "CBL-200",
    ]
    html = client.get(LIST, {"q": "nothing-like-this"}).content.decode()
    assert "No product matches these filters." in html
    assert "$40.00" in client.get(LIST).content.decode()


def test_bad_list_parameters_never_fail(client, staff):
    response = client.get(LIST, {"active": "maybe", "sort": "evil", "page": "99", "q": "x" * 500})
    assert response.status_code == 200


def test_the_list_paginates(client, staff):
    for index in range(30):
        product(f"SKU-{index:03}", f"Item {index:03}")
    first = _rows(client.get(LIST).content.decode())
    second = _rows(client.get(LIST, {"page": 2}).content.decode())
    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_5_or_50_products(client, staff):
    for index in range(5):
        product(f"A-{index}", f"Alpha {index}")
    few = _queries(client, LIST)
    for index in range(45):
        product(f"B-{index}", f"Beta {index}")
    assert _queries(client, LIST) == few


def test_staff_add_a_product(client, staff, activate):
    activate("EUR")
    data = {
        "sku": " lmp-100 ",
        "name": "Desk lamp",
        "description": "LED, 8 W",
        "unit": "pcs",
        "unit_price": "40.00",
        "currency": "EUR",
        "tax_rate": "5",
        "is_active": "",  # not a form field: a new product is active
    }
    response = client.post(reverse("sales:product-create"), data)
    assert response.status_code == 302
    created = Product.objects.get()
    assert (created.sku, created.currency, created.unit_price, created.is_active) == (
        "LMP-100",
        "EUR",
        Decimal("40.00"),
        True,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sku": "TAKEN"}, "already exists"),
        ({"unit_price": "-1"}, "greater than or equal to 0"),
        ({"tax_rate": "150"}, "less than or equal to 100"),
        ({"currency": "XXX"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_a_bad_product_form_is_a_400_with_the_message_and_nothing_saved(
    client, staff, change, message
):
    product("TAKEN", "Existing")
    data = {"sku": "NEW", "name": "New", "unit": "pcs", "unit_price": "1", "currency": "USD"}
    data["tax_rate"] = "0"
    response = client.post(reverse("sales:product-create"), {**data, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Product.objects.count() == 1


def test_staff_edit_deactivate_and_reactivate_a_product(client, staff):
    item = product("LMP-100", "Desk lamp")
    url = reverse("sales:product-update", args=[item.pk])
    assert client.get(url).status_code == 200
    data = {"sku": "LMP-100", "name": "Desk lamp XL", "unit": "pcs", "unit_price": "45"}
    response = client.post(url, {**data, "currency": "USD", "tax_rate": "5"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.unit_price) == ("Desk lamp XL", Decimal("45.00"))

    toggle = reverse("sales:product-set-active", args=[item.pk])
    assert client.get(toggle).status_code == 302
    client.post(toggle, {"active": "0"})
    item.refresh_from_db()
    assert not item.is_active
    html = client.get(reverse("sales:product-search"), {"q": "lamp"}).content.decode()
    assert "Desk lamp XL" not in html  # gone from the quotation picker
    client.post(toggle, {"active": "1"})
    item.refresh_from_db()
    assert item.is_active
    assert client.post(reverse("sales:product-set-active", args=[999999])).status_code == 404


def test_portal_users_cannot_open_the_catalogue(client):
    client.force_login(PortalContactFactory().user)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("sales:product-create")).status_code == 403
    assert client.get(reverse("sales:product-search"), {"q": "a"}).status_code == 403
