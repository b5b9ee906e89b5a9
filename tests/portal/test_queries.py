"""Portal pages cost what they show: at most 12 queries each, the same for 5 and 50 orders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Area
from sales.models import Order
from tests.factories import PortalContactFactory
from tests.portal.history import build_history

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12


@pytest.fixture
def signed_in(client):
    """A signed-in portal user of a customer with every area."""
    contact = PortalContactFactory(customer__default_currency="USD", areas=Area.values)
    client.force_login(contact.user)
    return contact


def queries_of(client, url: str) -> int:
    client.get(url)  # the first request of a session may warm caches (content types, site)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def page_urls(customer, by_step) -> dict[str, str]:
    order = by_step[Order.Status.MEMO_SENT][0]
    return {
        "home": reverse("portal:home"),
        "orders": reverse("portal:orders"),
        "order": reverse("portal:order-detail", args=[order.pk]),
        "invoices": reverse("portal:invoices"),
        "statements": reverse("portal:statements"),
    }


def test_each_portal_page_runs_the_same_few_queries_for_5_and_50_orders(client, signed_in):
    customer, user = signed_in.customer, signed_in.user
    by_step = build_history(customer, user, 5)
    few = {page: queries_of(client, url) for page, url in page_urls(customer, by_step).items()}
    build_history(customer, user, 45, tag="more")  # 50 orders in all
    many = {page: queries_of(client, url) for page, url in page_urls(customer, by_step).items()}
    assert few == many
    assert max(many.values()) <= MAX_QUERIES, many


def test_the_portal_context_is_read_once_and_permissions_need_no_query(client, signed_in):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:orders"))
    sql = [q["sql"] for q in queries]
    assert sum(s.startswith('SELECT "customers_contact"') for s in sql) == 1
    assert not any('"auth_permission"' in s or 'FROM "auth_group"' in s for s in sql)
