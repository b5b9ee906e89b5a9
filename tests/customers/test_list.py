"""The customer list: search, filters, sorting, pagination, remembered columns and export."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from customers import csvspec, listing
from customers.models import Credit, Customer, Tag
from tests.customers.helpers import assert_walks_back_over, ids, page_link, walk_next
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    CustomerGroupFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
URL = "/office/customers/"


def names(response) -> list[str]:
    return [c.name for c in response.context["object_list"]]


def test_search_covers_name_number_email_phone_and_contact_names(client, staff):
    acme = CustomerFactory(name="Acme Trading", email="orders@acme.test", phone="+97142223333")
    CustomerFactory(name="Nile Valley")
    ContactFactory(customer=acme, first_name="Omar", last_name="Khalil")
    for query in ["acme", acme.number, "orders@acme", "42223333", "omar", "khalil"]:
        assert names(client.get(URL, {"q": query})) == ["Acme Trading"], query


@pytest.mark.parametrize(
    ("param", "value_of"),
    [
        ("type", lambda c: c.type),
        ("group", lambda c: c.group_id),
        ("country", lambda c: c.country.code),
        ("advisor", lambda c: c.advisor_id),
    ],
)
def test_each_filter_narrows_the_list(client, staff, param, value_of):
    wanted = CustomerFactory(
        name="Wanted", type="individual", country="EG", group=CustomerGroupFactory(name="VIP")
    )
    CustomerFactory(name="Other", type="company", country="AE")
    assert names(client.get(URL, {param: value_of(wanted)})) == ["Wanted"]


def test_active_and_tag_filters(client, staff):
    tagged = CustomerFactory(name="Tagged")
    tag = Tag.objects.create(name="priority")
    tagged.tags.add(tag)
    CustomerFactory(name="Dormant", is_active=False)
    assert names(client.get(URL, {"tag": tag.pk})) == ["Tagged"]
    assert names(client.get(URL, {"active": "no"})) == ["Dormant"]
    assert "Dormant" not in names(client.get(URL, {"active": "yes"}))


@pytest.mark.parametrize("key", [column.key for column in listing.COLUMNS])
def test_every_column_sorts_both_ways(client, staff, key):
    client.post(
        reverse("customers:customer-columns"), {"columns": [c.key for c in listing.COLUMNS]}
    )
    CustomerFactory(name="Beta")
    CustomerFactory(name="Alpha")
    ascending = client.get(URL, {"sort": key})
    descending = client.get(URL, {"sort": f"-{key}"})
    assert ascending.status_code == descending.status_code == 200
    assert ascending.context["sort_key"] == key and not ascending.context["descending"]
    assert descending.context["descending"]
    if key in {"name", "number"}:
        assert names(ascending) == list(reversed(names(descending)))


def test_sort_by_name_and_unknown_sort_falls_back(client, staff):
    for name in ["Charlie", "Alpha", "Bravo"]:
        CustomerFactory(name=name)
    assert names(client.get(URL, {"sort": "-name"})) == ["Charlie", "Bravo", "Alpha"]
    assert client.get(URL, {"sort": "password"}).context["sort_key"] == "name"


def test_pagination_keeps_filters(client, staff):
    group = CustomerGroupFactory(name="Big")
    CustomerFactory.create_batch(30, group=group)
    page2 = client.get(URL, {"group": group.pk, "page": 2})
    assert len(page2.context["object_list"]) == 5
    assert f"group={group.pk}" in page2.content.decode()
    assert len(client.get(URL, {"per_page": 50}).context["object_list"]) == 30


def test_column_choice_is_remembered_per_staff_member(client, staff):
    client.post(reverse("customers:customer-columns"), {"columns": ["number", "phone", "tags"]})
    keys = [c.key for c in client.get(URL).context["columns"]]
    assert keys == ["number", "name", "phone", "tags"]
    client.force_login(StaffFactory())
    assert [c.key for c in client.get(URL).context["columns"]] == listing.DEFAULT_COLUMNS


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_runs_the_same_queries_for_5_and_50_rows_with_every_column(client, staff):
    client.post(
        reverse("customers:customer-columns"), {"columns": [c.key for c in listing.COLUMNS]}
    )
    tag = Tag.objects.create(name="t")
    for customer in CustomerFactory.create_batch(5, reseller=CustomerFactory()):
        customer.tags.add(tag)
        ContactFactory(customer=customer)
    few = _queries(client, URL + "?per_page=100")
    for customer in CustomerFactory.create_batch(45, reseller=CustomerFactory()):
        customer.tags.add(tag)
        ContactFactory(customer=customer)
    assert _queries(client, URL + "?per_page=100") == few


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_is_exactly_what_is_shown(client, staff):
    client.post(reverse("customers:customer-columns"), {"columns": ["number", "country"]})
    group = CustomerGroupFactory(name="Export")
    CustomerFactory(name="Zeta", group=group, country="EG")
    CustomerFactory(name="Alpha", group=group, country="AE")
    CustomerFactory(name="Not in group")
    response = client.get(
        reverse("customers:customer-export"), {"group": group.pk, "sort": "-name"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["Number", "Company", "Country"]
    assert [row[1] for row in rows[1:]] == ["Zeta", "Alpha"]
    assert rows[1][2] == "Egypt"


def test_export_neutralises_formula_cells(client, staff):
    CustomerFactory(name='=HYPERLINK("http://evil")', email="a@x.test")
    CustomerFactory(name="+1 Traders", email="b@x.test")
    CustomerFactory(name="@risk", email="c@x.test")
    CustomerFactory(name="-minus", email="d@x.test")
    exported = {row[1] for row in _rows(client.get(reverse("customers:customer-export")))[1:]}
    assert exported == {'\'=HYPERLINK("http://evil")', "'+1 Traders", "'@risk", "'-minus"}


def test_full_export_uses_the_import_format(client, staff):
    customer = CustomerFactory(name="Acme", country="AE")
    customer.tags.add(Tag.objects.create(name="vip"), Tag.objects.create(name="gulf"))
    ContactFactory(customer=customer, first_name="Omar", email="omar@acme.test")
    rows = _rows(client.get(reverse("customers:customer-export"), {"fields": "all"}))
    assert tuple(rows[0]) == csvspec.HEADERS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["name"] == "Acme"
    assert record["country"] == "AE"
    assert record["tags"] == "gulf|vip"
    assert record["contact_email"] == "omar@acme.test"


def test_export_streams_rows_in_chunks(client, staff):
    CustomerFactory.create_batch(3)
    response = client.get(reverse("customers:customer-export"))
    assert response.streaming
    assert len(_rows(response)) == 4


def test_portal_users_cannot_export(client):
    from tests.factories import PortalContactFactory

    client.force_login(PortalContactFactory().user)
    assert client.get(reverse("customers:customer-export")).status_code == 403


def test_credit_makes_a_document(client, staff):
    """Credits are documents: they keep a customer from being deleted."""
    customer = CustomerFactory()
    Credit.objects.create(customer=customer, amount=Decimal("5"), currency="USD", reason="r")
    from customers.services import customer_documents

    assert customer_documents(customer) == {"credits": 1}


@pytest.mark.parametrize(
    "sort", ["name", "-name", "created", "-created", "advisor", "-advisor", "tags", "-contact"]
)
def test_next_and_previous_walk_every_row_once_in_order(client, staff, sort):
    """Seek pagination: Next to the end and Previous back give the list's order, no gaps."""
    for index in range(7):
        # Ties and NULLs (no advisor) included, so the id tie-breaker and NULLS LAST are used.
        CustomerFactory(name=f"Same {index % 3}", advisor=None if index % 2 else StaffFactory())
    everything = ids(client.get(URL, {"sort": sort, "per_page": 100}))
    first = client.get(f"{URL}?sort={sort}&per_page=25")
    assert len(ids(first)) == 7 and page_link(first, "next") is None

    listing.PAGE_SIZES, saved = (*listing.PAGE_SIZES, 3), listing.PAGE_SIZES
    try:
        response = client.get(URL, {"sort": sort, "per_page": 3})
        assert page_link(response, "prev") is None and page_link(response, "first") is None
        seen, response = walk_next(client, response, everything)
        assert seen == everything
        assert page_link(response, "last") is None

        # Backwards from Last: contiguous pages that reach the first page.
        response = client.get(URL, {"sort": sort, "per_page": 3, "last": 1})
        assert ids(response) == everything[-3:]
        assert_walks_back_over(client, response, everything)
    finally:
        listing.PAGE_SIZES = saved


def test_deep_pages_run_a_constant_number_of_queries(client, staff):
    CustomerFactory.create_batch(60)
    everything = ids(client.get(URL, {"per_page": 100}))
    previous = page_link(client.get(URL, {"last": 1}), "prev")
    following = page_link(client.get(URL), "next")
    assert _queries(client, previous) == _queries(client, following)
    assert ids(client.get(previous)) == everything[10:35]
    assert ids(client.get(following)) == everything[25:50]


def test_count_is_exact_when_small_and_an_estimate_when_large(client, staff):
    CustomerFactory.create_batch(3)
    queryset = listing.Customer.objects.all()
    assert listing.count(queryset, estimate=None) == listing.Total(3, "exact")
    assert listing.count(queryset, estimate=12) == listing.Total(3, "exact")
    assert listing.count(queryset, estimate=123_456) == listing.Total(120_000, "about")
    page = client.get(URL).content.decode()
    assert "3 customers" in page


def test_search_finds_contacts_when_too_many_match_to_list_as_ids(client, staff, monkeypatch):
    monkeypatch.setattr(listing, "CONTACT_MATCHES_AS_IDS", 1)
    for name in ["Acme", "Birch", "Cedar"]:
        ContactFactory(customer=CustomerFactory(name=name), first_name="Omar")
    CustomerFactory(name="Nobody")
    assert names(client.get(URL, {"q": "omar"})) == ["Acme", "Birch", "Cedar"]


def test_filter_menus_keep_the_choice_and_list_records(client, staff):
    group = CustomerGroupFactory(name="Wholesale")
    advisor = StaffFactory(first_name="", last_name="", email="nameless@lumytic.test")
    Tag.objects.create(name="vip")
    page = client.get(URL, {"country": "EG", "group": group.pk, "advisor": advisor.pk})
    html = page.content.decode()
    assert '<option value="EG" selected>Egypt</option>' in html
    assert f'<option value="{group.pk}" selected>Wholesale</option>' in html
    assert f'<option value="{advisor.pk}" selected>nameless@lumytic.test</option>' in html
    assert ">vip</option>" in html
    assert html.count(" selected>") == 3


def test_cells_escape_customer_data(client, staff):
    CustomerFactory(name="<script>x</script>", email="a&b@x.test")
    html = client.get(URL).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "a&amp;b@x.test" in html


def _as_the_model_shows(customer) -> dict[str, str]:
    """Each column's CSV value, from the model instance (what the list showed before rows)."""
    primary = customer.contacts.filter(is_primary=True).first()
    return {
        "number": customer.number,
        "name": customer.name,
        "type": str(customer.get_type_display()),
        "group": str(customer.group),
        "email": customer.email,
        "phone": str(customer.phone or ""),
        "country": str(customer.country.name),
        "city": customer.billing_city,
        "contact": str(primary or ""),
        "advisor": str(customer.advisor or ""),
        "reseller": str(customer.reseller or ""),
        "tags": ", ".join(tag.name for tag in customer.tags.all()),
        "currency": customer.default_currency,
        "created": customer.created_at.date().isoformat(),
        "active": str(_("Active") if customer.is_active else _("Inactive")),
    }


def test_rows_show_what_the_customer_records_hold(staff):
    full = CustomerFactory(
        name="Acme <Trading>",
        type="individual",
        phone="+97142223333",
        country="EG",
        billing_city="Cairo",
        reseller=CustomerFactory(name="Big Reseller"),
        advisor=StaffFactory(first_name="Lina", last_name="Haddad"),
        default_currency="EUR",
    )
    full.tags.add(Tag.objects.create(name="vip"), Tag.objects.create(name="gulf"))
    ContactFactory(customer=full, first_name="Omar", last_name="")
    ContactFactory(customer=full, first_name="Not", last_name="Primary", is_primary=False)
    bare = CustomerFactory(
        name="Plain", advisor=StaffFactory(first_name="", last_name="", email="a@lumytic.test")
    )
    no_advisor = CustomerFactory(name="Alone", advisor=None, is_active=False, country="")
    keys = [column.key for column in listing.COLUMNS]
    customers = [full, bare, no_advisor]
    rows = listing.load_rows(Customer.objects.filter(pk__in=[c.pk for c in customers]), keys)
    by_pk = {row.pk: row for row in rows}
    for customer in customers:
        row = by_pk[customer.pk]
        shown = {column.key: str(column.value(row)) for column in listing.COLUMNS}
        assert shown == _as_the_model_shows(customer), customer.name
    assert by_pk[full.pk].tags == ["gulf", "vip"]
    html = listing.rows_html([by_pk[no_advisor.pk]], list(listing.COLUMNS))[0]
    assert "<td>—</td>" in html and "text-bg-secondary" in html


def test_headers_link_to_sorting_and_mark_the_sort_column(client, staff):
    CustomerFactory(name="Acme")
    html = client.get(URL, {"country": "AE", "sort": "-name"}).content.decode()
    assert (
        '<th scope="col" aria-sort="descending"><a class="text-reset text-decoration-none" '
        'href="?country=AE&amp;sort=name">Company <i class="bi bi-caret-down-fill small"'
    ) in html
    assert 'href="?country=AE&amp;sort=number">Number</a></th>' in html
    assert 'href="?country=AE&amp;sort=-name&amp;per_page=50">50</a>' in html
    default = _html(client.get(URL))
    assert (
        'aria-sort="ascending"><a class="text-reset text-decoration-none" href="?sort=-name">'
        in default
    )
    assert 'href="?per_page=25" aria-current="true">25</a>' in default


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("sort", ["name", "-created", "advisor"])
def test_paging_from_a_row_that_is_gone_shows_the_first_page(client, staff, sort):
    CustomerFactory.create_batch(30)
    first = ids(client.get(URL, {"sort": sort}))
    for step in ("after", "before"):
        assert ids(client.get(URL, {"sort": sort, step: 99_999_999})) == first


def test_paging_from_a_row_reads_its_sort_value_in_the_same_query(client, staff):
    CustomerFactory.create_batch(30)
    anchor = ids(client.get(URL))[-1]
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, {"after": anchor}).status_code == 200
    sql = [query["sql"] for query in context.captured_queries]
    reads = [s for s in sql if s.startswith('SELECT "customers_customer"."id" AS "pk"')]
    assert len(reads) == 1 and f'WHERE U0."id" = {anchor}' in reads[0]
