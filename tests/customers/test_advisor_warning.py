"""The customer page warns when a customer has no advisor and says who gets its order emails."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.customers.helpers import form_data
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db
CONTACT_FIELDS = ("first_name", "last_name", "email", "position")


def page(client, customer) -> str:
    response = client.get(reverse("customers:customer-detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_customer_without_advisor_warns_and_names_the_fallback(client, staff):
    StaffFactory(first_name="Sara", last_name="Nour", sales_notifications=True)
    customer = CustomerFactory(advisor=None)

    html = page(client, customer)

    assert "data-advisor-warning" in html
    assert "No advisor:" in html
    assert "order emails go to" in html and "Sara Nour" in html
    edit = reverse("customers:customer-update", args=[customer.pk])
    assert f'href="{edit}#id_advisor"' in html and "Set an advisor" in html


def test_without_sales_notification_staff_the_warning_names_the_admins(client, staff):
    StaffFactory(first_name="Adam", last_name="Root", is_superuser=True, is_staff=True)
    html = page(client, CustomerFactory(advisor=None))
    assert "order emails go to" in html and "Adam Root" in html


def test_an_inactive_advisor_is_warned_about_too(client, staff):
    StaffFactory(first_name="Sara", last_name="Nour", sales_notifications=True)
    gone = StaffFactory(first_name="Tarek", last_name="Old", is_active=False)

    html = page(client, CustomerFactory(advisor=gone))

    assert "Advisor Tarek Old is inactive:" in html and "Sara Nour" in html


def test_with_nobody_to_fall_back_to_the_warning_says_the_emails_reach_nobody(client, staff):
    html = page(client, CustomerFactory(advisor=None))
    assert "order emails reach nobody" in html


def test_the_warning_disappears_once_an_advisor_is_set_through_the_edit_form(client, staff):
    StaffFactory(sales_notifications=True)
    advisor = StaffFactory(first_name="Lina", last_name="Haddad")
    customer = CustomerFactory(advisor=None)
    assert "No advisor:" in page(client, customer)

    response = client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        form_data(advisor=advisor.pk, **{f"contact-{k}": None for k in CONTACT_FIELDS}),
    )

    assert response.status_code == 302
    html = page(client, customer)
    assert "data-advisor-warning" not in html and "No advisor:" not in html


def test_a_customer_with_an_active_advisor_shows_no_warning(client, staff):
    assert "data-advisor-warning" not in page(client, CustomerFactory())


def _queries(client, customer) -> int:
    with CaptureQueriesContext(connection) as context:
        page(client, customer)
    return len(context.captured_queries)


@pytest.mark.parametrize("advisor", [True, False])
def test_the_page_runs_the_same_queries_for_3_and_30_fallback_staff(client, staff, advisor):
    StaffFactory.create_batch(3, sales_notifications=True)
    customer = CustomerFactory(**({} if advisor else {"advisor": None}))
    few = _queries(client, customer)
    StaffFactory.create_batch(27, sales_notifications=True)
    assert _queries(client, customer) == few


def test_a_tab_swapped_in_by_htmx_skips_the_warning(client, staff):
    StaffFactory(sales_notifications=True)
    customer = CustomerFactory(advisor=None)
    response = client.get(
        reverse("customers:customer-notes", args=[customer.pk]),
        headers={"HX-Request": "true", "HX-Target": "customer-tab"},
    )
    assert response.status_code == 200
    assert "data-advisor-warning" not in response.content.decode()
