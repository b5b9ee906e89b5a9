"""Admins switch currencies on and off, and see rates, customer rates and the update log."""

import pytest
from django.urls import reverse

from sales.models import Currency, RateUpdate
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, activate):
    activate("EUR")
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:sales_currency_changelist",
        "admin:sales_exchangerate_changelist",
        "admin:sales_customerrate_changelist",
        "admin:sales_rateupdate_changelist",
        "admin:sales_exchangerate_add",
        "admin:sales_customerrate_add",
    ],
)
def test_admin_pages_open(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_the_currency_list_has_an_active_toggle_and_actions(admin_client):
    html = admin_client.get(reverse("admin:sales_currency_changelist")).content.decode()
    assert 'name="form-0-is_active"' in html
    assert 'value="activate"' in html and 'value="deactivate"' in html


def test_activate_and_deactivate_actions_keep_the_base_currency_on(admin_client):
    url = reverse("admin:sales_currency_changelist")
    admin_client.post(url, {"action": "activate", "_selected_action": ["GBP", "JPY"]})
    assert set(Currency.objects.active().values_list("code", flat=True)) == {
        "USD",
        "EUR",
        "GBP",
        "JPY",
    }
    admin_client.post(url, {"action": "deactivate", "_selected_action": ["USD", "GBP", "EUR"]})
    assert set(Currency.objects.active().values_list("code", flat=True)) == {"USD", "JPY"}


def test_the_update_log_is_read_only(admin_client):
    assert admin_client.get(reverse("admin:sales_rateupdate_add")).status_code == 403
    update = RateUpdate.objects.create(provider="ecb", status="failed", error="HTTP 503")
    page = admin_client.get(reverse("admin:sales_rateupdate_change", args=[update.pk]))
    assert page.status_code == 200 and "HTTP 503" in page.content.decode()


@pytest.mark.parametrize("model", ["quotation", "order"])
def test_quotations_and_orders_are_not_added_or_re_totalled_in_the_admin(admin_client, model):
    """Numbers, totals and emails come from the services, so the admin shows, never adds."""
    assert admin_client.get(reverse(f"admin:sales_{model}_add")).status_code == 403
    assert admin_client.get(reverse(f"admin:sales_{model}_changelist")).status_code == 200
