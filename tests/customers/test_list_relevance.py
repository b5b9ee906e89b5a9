"""A search without a chosen sort lists the best matches first (PostgreSQL's pg_trgm)."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from customers import listing
from customers.models import Customer
from tests.conftest import require
from tests.customers.helpers import assert_walks_back_over, ids, walk_next
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db
URL = "/office/customers/"


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "PostgreSQL")


def names(response) -> list[str]:
    return [c.name for c in response.context["object_list"]]


@pytest.fixture
def falcons():
    """Customers that match "falcon" in different ways, created out of relevance order."""
    made = {}
    for name, email in [
        ("Zebra Falconry", "a@zebra.test"),  # inside a word of the name
        ("Acme", "sales@falcon.test"),  # the email only
        ("Nile Falcon", "b@nile.test"),  # a whole word of the name
        ("Falcon Foods", "c@foods.test"),  # a whole word of the name
        ("Birch", "d@birch.test"),  # a contact only (below)
        ("Cedar", "e@cedar.test"),  # no match
    ]:
        made[name] = CustomerFactory(name=name, email=email)
    ContactFactory(customer=made["Birch"], first_name="Falcon")
    return made


def test_search_lists_whole_word_name_matches_first_then_partial_then_other_fields(
    client, staff, falcons
):
    response = client.get(URL, {"q": "falcon"})
    assert names(response) == ["Nile Falcon", "Falcon Foods", "Zebra Falconry", "Acme", "Birch"]
    assert response.context["relevance"] and response.context["sort_key"] == ""
    html = response.content.decode()
    assert "best matches first" in html
    assert 'aria-sort="' not in html  # no column is the sort column


def test_a_chosen_sort_still_sorts_the_search_by_that_column(client, staff, falcons):
    response = client.get(URL, {"q": "falcon", "sort": "name"})
    assert names(response) == ["Acme", "Birch", "Falcon Foods", "Nile Falcon", "Zebra Falconry"]
    assert not response.context["relevance"]
    assert names(client.get(URL, {"q": "falcon", "sort": "-name"}))[0] == "Zebra Falconry"


def test_the_search_form_carries_only_a_chosen_sort(client, staff, falcons):
    """Searching from the default list ranks; searching from a sorted list keeps that sort."""
    assert 'name="sort"' not in client.get(URL).content.decode()
    assert 'name="sort"' not in client.get(URL, {"q": "falcon"}).content.decode()
    chosen = client.get(URL, {"sort": "-created"}).content.decode()
    assert '<input type="hidden" name="sort" value="-created">' in chosen


def test_ranking_keeps_the_other_filters(client, staff, falcons):
    Customer.objects.filter(pk=falcons["Nile Falcon"].pk).update(is_active=False)
    response = client.get(URL, {"q": "falcon", "active": "yes"})
    assert names(response) == ["Falcon Foods", "Zebra Falconry", "Acme", "Birch"]


def test_next_and_previous_walk_every_ranked_match_once_in_order(client, staff):
    # Equal ranks (whole-word matches) and every kind of match, so the id tie-breaker is used.
    for index in range(8):
        CustomerFactory(name=f"Falcon {index}" if index % 3 else f"Falconry {index}")
    for index in range(3):
        CustomerFactory(name=f"Other {index}", email=f"falcon{index}@x.test")
    everything = ids(client.get(URL, {"q": "falcon", "per_page": 100}))
    assert len(everything) == 11
    listing.PAGE_SIZES, saved = (*listing.PAGE_SIZES, 3), listing.PAGE_SIZES
    try:
        response = client.get(URL, {"q": "falcon", "per_page": 3})
        seen, _last = walk_next(client, response, everything)
        assert seen == everything

        response = client.get(URL, {"q": "falcon", "per_page": 3, "last": 1})
        assert ids(response) == everything[-3:]
        assert_walks_back_over(client, response, everything)
        numbered = client.get(URL, {"q": "falcon", "per_page": 3, "page": 3})
        assert ids(numbered) == everything[6:9]
    finally:
        listing.PAGE_SIZES = saved


def test_export_of_a_ranked_search_has_the_same_order(client, staff, falcons):
    response = client.get(reverse("customers:customer-export"), {"q": "falcon"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    exported = [row[1] for row in list(csv.reader(io.StringIO(body)))[1:]]
    assert exported == names(client.get(URL, {"q": "falcon"}))


def test_a_search_matching_most_customers_is_in_name_order(client, staff, monkeypatch):
    """Ranking would read every match; name order finds the first page at the index start."""
    monkeypatch.setattr(listing, "SORT_SEARCH_MATCHES_UP_TO", 0)
    CustomerFactory(name="Falcon B")
    CustomerFactory(name="Falcon A")
    response = client.get(URL, {"q": "falcon"})
    assert names(response) == ["Falcon A", "Falcon B"]
    assert not response.context["relevance"] and response.context["sort_key"] == "name"


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        # A handful of rows would be read whole; the plan shape is what matters here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_many_name_matches_are_read_best_first_from_the_relevance_index(staff):
    """With many matches, the page's name arm is the GiST index scan ordered by distance, then
    id; with few, they are found through the trigram GIN index and sorted."""
    CustomerFactory.create_batch(5)
    terms = listing.SearchTerms("falcon")
    many = listing.Relevance(terms, Customer.objects.all(), ["name"], estimate=5_000)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    rows = many.ids(None, True, 0, 26)
    plan = _plan(rows.sql, rows.params)
    assert "customers_customer_name_relevance" in plan
    assert "Order By: (((upper((name)::text))::text <->> 'falcon'::text) AND" in plan
    few = listing.Relevance(terms, Customer.objects.all(), ["name"], estimate=10)
    rows = few.ids(None, True, 0, 26)
    assert "customers_customer_name_relevance" not in _plan(rows.sql, rows.params)


def test_other_name_searches_keep_the_trigram_gin_index(staff):
    """The relevance index's expression is not the one `icontains` compiles to, so a sorted
    search, a count or an export never takes the (slower) GiST index for its LIKE."""
    CustomerFactory.create_batch(5)
    matching = Customer.objects.filter(name__icontains="acme").order_by().values("pk")
    sql, params = matching.query.sql_with_params()
    with connection.cursor() as cursor:  # a bitmap scan: which index answers the LIKE
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
    plan = _plan(sql, params)
    assert "customers_customer_name_trgm" in plan
    assert "customers_customer_name_relevance" not in plan


@pytest.mark.parametrize("name", ["Straße Köln", "İSTANBUL Ltd", "ÉCOLE d'été", "Ωmega"])
def test_the_indexed_name_matches_what_icontains_matches(client, staff, name):
    customer = CustomerFactory(name=name)
    for query in [name.lower(), name.upper(), name[2:6]]:
        ranked = ids(client.get(URL, {"q": query}))
        sorted_ = ids(client.get(URL, {"q": query, "sort": "name"}))
        assert ranked == sorted_, query
        many = listing.Relevance(
            listing.SearchTerms(query), Customer.objects.all(), ["name"], estimate=5_000
        )
        assert [row.pk for row in many.rows(limit=26)] == sorted_, query
    assert customer.pk in ids(client.get(URL, {"q": name}))


@pytest.mark.parametrize("value", ["falcon", "a_b%c 1", "o'brien\\"])
def test_the_ranked_pages_search_sql_is_what_django_compiles(staff, value):
    """SearchTerms.sql() is `name` and `others` as Django writes them, so a ranked page
    matches exactly what the rest of the list (sorted pages, the export, counts) matches."""
    ContactFactory(first_name=value)  # one contact match: an id list
    terms = listing.SearchTerms(value)
    name, name_params, others, others_params = terms.sql()
    for q, sql, params in [(terms.name, name, name_params), (terms.others, others, others_params)]:
        matching = Customer.objects.filter(q).order_by().values("pk")
        compiled, compiled_params = matching.query.sql_with_params()
        assert compiled.endswith(f" WHERE {sql}")
        assert list(compiled_params) == params


def test_many_contact_matches_are_found_by_a_subquery_in_ranked_pages(client, staff, monkeypatch):
    monkeypatch.setattr(listing, "CONTACT_MATCHES_AS_IDS", 1)
    for name in ["Acme", "Birch", "Cedar"]:
        ContactFactory(customer=CustomerFactory(name=name), first_name="Omar")
    CustomerFactory(name="Omar Foods")
    CustomerFactory(name="Nobody")
    response = client.get(URL, {"q": "omar"})
    assert response.context["relevance"]
    assert names(response) == ["Omar Foods", "Acme", "Birch", "Cedar"]


def test_the_contact_lookup_is_the_sql_django_compiles(staff):
    value, limit = "o'm_ar%", 501
    sql, params = listing._contacts(value)[:limit].query.sql_with_params()
    pattern = f"%{connection.ops.prep_for_like_query(value)}%"
    assert sql.replace("LIMIT 501", "LIMIT %s") == listing._CONTACT_IDS_SQL
    assert list(params) == [pattern, pattern, pattern]
    mine = ContactFactory(first_name="Mary O'M_ar%ia")
    assert listing._contact_ids(value, limit) == [mine.customer_id]


def test_a_searchs_estimate_is_the_planners_estimate_of_its_matches(staff):
    CustomerFactory.create_batch(5)
    CustomerFactory(name="Falcon Foods", email="x@falcon.test")
    terms = listing.SearchTerms("falcon")
    matches = Customer.objects.filter(terms.q)
    assert listing.search_estimate(terms) == listing.estimate(matches)


def test_ranked_rows_hold_what_the_columns_read(staff):
    """The ranked page's compiled-once query gives the same rows as load_rows."""
    from customers.models import Tag

    everything = [column.key for column in listing.COLUMNS]
    falcon = CustomerFactory(
        name="Falcon Foods", phone="+97142223333", reseller=CustomerFactory(name="Big")
    )
    falcon.tags.add(Tag.objects.create(name="vip"))
    ContactFactory(customer=falcon, first_name="Omar", last_name="Haddad")
    CustomerFactory(name="Falconry", advisor=None, is_active=False)
    relevance = listing.Relevance(
        listing.SearchTerms("falcon"), Customer.objects.all(), everything, estimate=10
    )
    ranked = relevance.rows(limit=26)
    loaded = {
        row.pk: row
        for row in listing.load_rows(Customer.objects.filter(name__icontains="falcon"), everything)
    }
    assert [row.pk for row in ranked] == [falcon.pk, *(pk for pk in loaded if pk != falcon.pk)]
    for row in ranked:
        assert {slot: getattr(row, slot) for slot in listing.Row.__slots__} == {
            slot: getattr(loaded[row.pk], slot) for slot in listing.Row.__slots__
        }
    assert str(ranked[0].phone) == "+97142223333" and ranked[0].tags == ["vip"]
