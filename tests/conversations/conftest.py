"""Shared data for the conversation tests: a customer with an advisor, portal users holding
areas, submitted orders, and real PDF and PNG bytes for attachments."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conversations.services import open_ticket
from portal.models import Area
from sales.services.orders import create_order
from tests.factories import ContactFactory, CustomerFactory, PortalContactFactory, StaffFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_file(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_file(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


@pytest.fixture(autouse=True)
def _settings(usd_site):
    """Every test here runs with the shared order-flow settings (tests/conftest.py)."""


@pytest.fixture
def advisor():
    return StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Farouk")


@pytest.fixture
def customer(advisor):
    return CustomerFactory(name="Acme Trading", advisor=advisor, default_currency="USD")


def portal_user(customer, email: str, areas=tuple(Area.values), own_orders_only=False):
    """A portal user of `customer` (not its primary contact) holding `areas`."""
    contact = PortalContactFactory(
        customer=customer,
        email=email,
        first_name=email.split("@")[0].title(),
        is_primary=False,
        areas=areas,
        areas__own_orders_only=own_orders_only,
    )
    return contact.user


@pytest.fixture
def omar(customer):
    return portal_user(customer, "omar@acme.test")


@pytest.fixture
def primary(customer):
    """The company's primary contact, without a login."""
    return ContactFactory(customer=customer, email="office@acme.test", is_primary=True)


def ticket_of(customer, user, subject="Broken panels", **kwargs):
    """A ticket `user` opens for `customer`, saying "Help!"."""
    return open_ticket(customer=customer, by=user, subject=subject, body="Help!", **kwargs)


def titles(response) -> list[str]:
    """The titles of a conversation list's rows, in order."""
    return [c.title for c in response.context["object_list"]]


def place(customer, user=None, **kwargs):
    """A submitted order placed by `user` (or by staff when None)."""
    return create_order(
        customer=customer,
        by=user,
        placed_by=user,
        lines=[{"description": "LED panel", "quantity": 2, "unit_price": 10}],
        **kwargs,
    )


@pytest.fixture
def order(customer, omar):
    return place(customer, omar)


@pytest.fixture
def other_customer():
    return CustomerFactory(name="Someone Else", advisor=StaffFactory())
