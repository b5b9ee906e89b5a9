"""The one input check (lumytic/core/validation.py) and the known 500s of issue 16: bad input is
refused with a message and a 4xx, and nothing is half-written."""

import contextlib
import importlib
from decimal import Decimal

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.urls import get_resolver, reverse

from customers.forms import CustomerGroupForm, NoteForm
from lumytic.core.validation import CheckedInputMixin
from portal.forms import SetPasswordForm
from portal.models import Area
from sales.models import Memo, Order, Product
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("lumytic", "customers", "sales", "conversations", "portal", "notifications")
CONTROL_MESSAGE = "Remove the control characters (such as NUL) from this text."
# Forms and filter sets that can't use the check, each with the reason.
EXEMPT = {
    "OutboundEmailFilter": "notifications imports no domain app (DESIGN.md §6); its search is "
    "a django-filter CharFilter, whose CharField refuses a NUL on its own",
}


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _load_project_modules() -> None:
    """Import every view and form module, so every form class of the project exists."""
    get_resolver().url_patterns
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in PROJECT_APPS:
            for module in ("forms", "views"):
                with contextlib.suppress(ModuleNotFoundError):
                    importlib.import_module(f"{config.name}.{module}")


def test_every_project_form_and_filter_runs_the_shared_input_check():
    _load_project_modules()
    ours = lambda cls: cls.__module__.split(".")[0] in PROJECT_APPS  # noqa: E731
    forms_ = [c for c in _all_subclasses(forms.BaseForm) if ours(c)]
    assert len(forms_) > 30
    unchecked = sorted(
        f"{c.__module__}.{c.__qualname__}" for c in forms_ if not issubclass(c, CheckedInputMixin)
    )
    assert not unchecked, f"Base these forms on CheckedForm / CheckedModelForm: {unchecked}"
    filters = [c for c in _all_subclasses(django_filters.FilterSet) if ours(c)]
    assert filters
    unchecked = sorted(
        c.__qualname__
        for c in filters
        if not issubclass(c._meta.form, CheckedInputMixin) and c.__qualname__ not in EXEMPT
    )
    assert not unchecked, f"Give these filter sets Meta.form = CheckedForm: {unchecked}"


def test_a_text_area_keeps_newlines_and_tabs_but_refuses_other_control_characters():
    assert NoteForm({"text": "Called:\n\tall fine\r\n"}).is_valid()
    form = NoteForm({"text": "Called\x00 back"})
    assert not form.is_valid()
    assert form.errors["text"] == [CONTROL_MESSAGE]
    assert not NoteForm({"text": "bell\x07"}).is_valid()


def test_a_one_line_field_refuses_tabs_and_control_characters():
    assert CustomerGroupForm({"name": "Gulf partners"}).is_valid()
    for name in ["Gulf\tpartners", "Gulf\x1bpartners", "Gulf\x00"]:
        form = CustomerGroupForm({"name": name})
        assert not form.is_valid()
        assert CONTROL_MESSAGE in form.errors["name"]


def test_a_text_field_without_a_limit_gets_one():
    password = "a-long-password-" * 700  # 11,200 characters
    form = SetPasswordForm({"password1": password, "password2": password})
    assert not form.is_valid()
    assert "at most 1000 characters" in form.errors["password1"][0]


# --- The 500s the issue names --------------------------------------------------------------------


@pytest.fixture
def _files(media_on_disk):
    """Files of the world on disk, in this test's folder."""


@pytest.mark.usefixtures("_files")
def test_memo_text_with_a_nul_is_a_400_with_the_message_and_no_memo(client, world):
    client.force_login(StaffFactory())
    before = Memo.objects.count()
    response = client.post(
        reverse("sales:memo-create", args=[world["pi"].pk]), {"text": "Pay to\x00 IBAN"}
    )
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    assert Memo.objects.count() == before


@pytest.mark.usefixtures("_files")
@pytest.mark.parametrize("name", ["sales:payment-reject", "sales:signed-document-reject"])
def test_a_rejection_reason_with_a_nul_is_a_400_with_the_message(client, world, name):
    client.force_login(StaffFactory())
    target = world["payment"] if name == "sales:payment-reject" else world["signed_pi"]
    response = client.post(reverse(name, args=[target.pk]), {"reason": "Wrong\x00 file"})
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    target.refresh_from_db()
    assert target.status == "pending"


@pytest.fixture
def costly():
    """A customer and a product so dear that 1,000,000 of them overflow an order's total."""
    customer = CustomerFactory(name="Falcon Logistics", default_currency="USD")
    product = Product.objects.create(
        sku="YACHT", name="Yacht", unit_price=Decimal("999999999"), currency="USD"
    )
    return customer, product


def test_an_office_order_line_whose_total_overflows_is_refused_with_the_limit(client, costly):
    customer, product = costly
    client.force_login(StaffFactory())
    url = reverse("sales:order-create")
    base = {"customer": customer.pk, "currency": "USD", "action": "create"}
    response = client.post(url, {**base, "line-product": product.pk, "line-quantity": "1000000"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "the most an order can hold" in html and "99,999,999,999,999 USD" in html
    response = client.post(url, {**base, "line-product": product.pk, "line-quantity": "1000001"})
    assert response.status_code == 400
    assert "Enter a quantity of at most 1000000." in response.content.decode()
    assert not Order.objects.exists()


def test_a_portal_order_line_whose_total_overflows_is_refused_with_the_limit(client, costly):
    customer, product = costly
    contact = PortalContactFactory(customer=customer, areas=Area.values)
    client.force_login(contact.user)
    response = client.post(
        reverse("portal:order-create"), {"product": product.pk, "quantity": "1000000"}
    )
    assert response.status_code == 400
    assert "99,999,999,999,999 USD" in response.content.decode()
    assert not Order.objects.exists()

    cart = client.post(reverse("portal:order-create"), {"product": product.pk, "quantity": "1"})
    order = Order.objects.get()
    assert cart.status_code == 302
    for quantity in ["99999", "1000000"]:  # the second would make the line 1,100,000
        response = client.post(
            reverse("portal:order-line-add", args=[order.pk]),
            {"product": product.pk, "quantity": quantity},
        )
    assert response.status_code == 400
    assert "at most 1,000,000" in response.content.decode()
    assert [line.quantity for line in order.lines.all()] == [Decimal("100000")]
