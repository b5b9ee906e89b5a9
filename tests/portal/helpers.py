"""Plain builders shared by the portal tests: Acme Trading's buyer, products, order lines, a placed
or confirmed order, the "own orders only" switch, a payment upload."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import Area
from portal.services.access import set_portal_access
from sales.models import Order, Product
from sales.services.orders import confirm_order, create_order
from tests.factories import PortalContactFactory
from tests.sales.helpers import BILLING, PDF


def acme_buyer(advisor, areas):
    """A portal contact of Acme Trading (USD), whose advisor is `advisor`, holding `areas`."""
    return PortalContactFactory(
        customer__name="Acme Trading",
        customer__default_currency="USD",
        customer__advisor=advisor,
        areas=areas,
    )


def confirmed_order(customer, placed_by=None) -> Order:
    order = create_order(
        customer=customer,
        by=placed_by,
        placed_by=placed_by,
        lines=[{"description": "Widget", "quantity": Decimal("2"), "unit_price": Decimal("10")}],
    )
    return confirm_order(order=order, by=placed_by, billing=BILLING)


def order_page(client, order_id) -> str:
    """The portal's page of an order, as HTML (it must open)."""
    response = client.get(reverse("portal:order-detail", args=[order_id]))
    assert response.status_code == 200
    return response.content.decode()


def post_payment(client, pi, **overrides):
    data = {
        "amount": "400.00",
        "paid_on": timezone.localdate().isoformat(),
        "bank_reference": "FT26001",
        "file": SimpleUploadedFile("swift.pdf", PDF),
    } | overrides
    return client.post(reverse("portal:payment-upload", args=[pi.pk]), data)


def make_product(sku="W-1", name="Blue widget", price="10.00", currency="USD", tax="5", **kw):
    return Product.objects.create(
        sku=sku, name=name, unit_price=Decimal(price), currency=currency, tax_rate=Decimal(tax),
        **kw,
    )  # fmt: skip


def line(description="Widget", quantity="2", price="10.00"):
    return {"description": description, "quantity": Decimal(quantity), "unit_price": Decimal(price)}


def html_of(response) -> str:
    return response.content.decode()


def place(customer, by, *, submit=True, lines=None, **kwargs) -> Order:
    return create_order(
        customer=customer, by=by, placed_by=by, lines=lines or [line()], submit=submit, **kwargs
    )


def own_orders_only(user) -> None:
    set_portal_access(contact=user.contact, by=None, areas=[Area.ORDERS], own_orders_only=True)
