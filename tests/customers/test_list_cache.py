"""The customer list's caches: filter menus' records, column choices, per-row HTML helpers."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import conditional_escape, format_html

from customers import listing
from customers.models import CustomerGroup, CustomerImport, ListPreference, Tag
from tests.factories import CustomerFactory, CustomerGroupFactory, StaffFactory

pytestmark = pytest.mark.django_db
URL = "/office/customers/"


def _page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def _sql(client) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL).status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_a_warm_page_reads_no_menu_records_or_column_choice(client, staff):
    CustomerGroupFactory(name="Retail")
    Tag.objects.create(name="vip")
    _page(client)
    queries = " ".join(_sql(client))
    assert '"customers_tag"' not in queries
    assert '"customers_listpreference"' not in queries
    assert 'FROM "customers_customergroup"' not in queries
    assert "\"role\" = 'staff'" not in queries


def test_renamed_group_shows_in_the_menu_at_once(client, staff):
    group = CustomerGroupFactory(name="Retail")
    assert f'<option value="{group.pk}">Retail</option>' in _page(client)
    group.name = "Shops"
    group.save()
    html = _page(client)
    assert f'<option value="{group.pk}">Shops</option>' in html
    assert ">Retail</option>" not in html


def test_new_and_deleted_tags_and_groups_show_at_once(client, staff):
    _page(client)
    tag = Tag.objects.create(name="priority")
    group = CustomerGroupFactory(name="Export")
    html = _page(client)
    assert f'<option value="{tag.pk}">priority</option>' in html
    assert f'<option value="{group.pk}">Export</option>' in html
    tag.delete()
    CustomerGroup.objects.filter(pk=group.pk).delete()  # a QuerySet delete sends signals too
    html = _page(client)
    assert ">priority</option>" not in html
    assert ">Export</option>" not in html


def test_new_and_renamed_advisors_show_at_once(client, staff):
    _page(client)
    advisor = StaffFactory(first_name="Lina", last_name="Haddad")
    assert f'<option value="{advisor.pk}">Lina Haddad</option>' in _page(client)
    advisor.first_name = "Leena"
    advisor.save()
    assert f'<option value="{advisor.pk}">Leena Haddad</option>' in _page(client)


def test_a_sign_in_does_not_invalidate_the_menus(client, staff):
    _page(client)
    version = cache.get(listing.MENUS_VERSION_KEY)
    client.force_login(staff)  # saves last_login only
    _page(client)
    assert cache.get(listing.MENUS_VERSION_KEY) == version


def test_the_version_is_replaced_again_when_the_transaction_commits(
    client, staff, django_capture_on_commit_callbacks
):
    _page(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CustomerGroupFactory(name="Late")
    during = cache.get(listing.MENUS_VERSION_KEY)
    assert callbacks
    for callback in callbacks:
        callback()
    assert cache.get(listing.MENUS_VERSION_KEY) != during


def test_finished_import_refreshes_the_menus(client, staff):
    """An import creates tags in bulk (no signal per tag); the job's final save refreshes."""
    _page(client)
    Tag.objects.bulk_create([Tag(name="imported")])
    job = CustomerImport.objects.create(
        original_name="x.csv", mapping={}, status=CustomerImport.Status.RUNNING, created_by=staff
    )
    job.status = CustomerImport.Status.DONE
    job.save()
    assert ">imported</option>" in _page(client)


def test_writes_without_signals_show_after_the_maximum_age(client, staff, monkeypatch):
    group = CustomerGroupFactory(name="Retail")
    _page(client)
    CustomerGroup.objects.filter(pk=group.pk).update(name="Shops")  # no signal
    assert ">Retail</option>" in _page(client)
    later = listing.time.time() + listing.MENUS_MAX_AGE + 1
    monkeypatch.setattr(listing.time, "time", lambda: later)
    assert f'<option value="{group.pk}">Shops</option>' in _page(client)


def test_menus_survive_a_cache_flush(client, staff):
    group = CustomerGroupFactory(name="Retail")
    _page(client)
    cache.clear()
    html = _page(client, group=group.pk)
    assert f'<option value="{group.pk}" selected>Retail</option>' in html


def test_selected_values_do_not_leak_between_requests(client, staff):
    group = CustomerGroupFactory(name="Retail")
    assert " selected>Retail" in _page(client, group=group.pk, country="EG")
    html = _page(client)
    assert " selected>" not in html


def test_saved_column_choice_is_cached_and_replaces_the_old_one(client, staff):
    columns_url = reverse("customers:customer-columns")
    client.post(columns_url, {"columns": ["number"]})
    assert [c.key for c in client.get(URL).context["columns"]] == ["number", "name"]
    assert cache.get(listing._columns_key(staff.pk)) == ["number", "name"]
    client.post(columns_url, {"columns": ["email", "tags"]})
    assert [c.key for c in client.get(URL).context["columns"]] == ["name", "email", "tags"]


def test_column_choice_changed_or_deleted_elsewhere_shows_at_once(client, staff):
    ListPreference.objects.create(user=staff, list_key=listing.LIST_KEY, columns=["phone"])
    assert [c.key for c in client.get(URL).context["columns"]] == ["phone"]
    ListPreference.objects.filter(user=staff).delete()
    assert [c.key for c in client.get(URL).context["columns"]] == listing.DEFAULT_COLUMNS


def test_column_choice_is_read_from_the_database_after_a_flush(client, staff):
    client.post(reverse("customers:customer-columns"), {"columns": ["city"]})
    cache.clear()
    assert [c.key for c in client.get(URL).context["columns"]] == ["name", "city"]
    assert listing.visible_columns(staff) == ["name", "city"]


def test_export_uses_the_cached_column_choice(client, staff):
    client.post(reverse("customers:customer-columns"), {"columns": ["number"]})
    CustomerFactory(name="Acme")
    body = b"".join(client.get(reverse("customers:customer-export")).streaming_content)
    assert body.decode("utf-8-sig").splitlines()[0] == "Number,Company"


def test_detail_url_matches_get_absolute_url(staff):
    customer = CustomerFactory()
    assert listing.detail_url(customer.pk) == customer.get_absolute_url()
    assert listing.detail_url(7) == reverse("customers:customer-detail", args=[7])


@pytest.mark.parametrize(
    "value",
    ["plain", "<b>&'\"", 42, format_html("<i>{}</i>", "<x>"), listing._("Active"), "—"],
)
def test_cell_escaping_matches_conditional_escape(value):
    assert listing._html(value) == str(conditional_escape(value))


def test_column_checkboxes_mark_visible_and_disable_the_name(staff):
    html = listing.column_checkboxes(["number", "name"])
    assert html.count("<input") == len(listing.COLUMNS)
    assert 'value="number" id="col-number" checked>' in html
    assert 'value="name" id="col-name" checked disabled>' in html
    assert 'value="email" id="col-email">' in html
    assert '<label class="form-check-label" for="col-email">Email</label>' in html


def test_estimate_of_every_customer_comes_from_the_catalogue_as_explain_gives_it(staff):
    if connection.vendor != "postgresql":
        pytest.skip("planner estimates are PostgreSQL's")
    CustomerFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    everyone = listing.sortable(listing.Customer.objects.all(), "name", False)
    with CaptureQueriesContext(connection) as context:
        found = listing.estimate(everyone)
    assert "pg_class" in context.captured_queries[0]["sql"]
    plan = json.loads(everyone.order_by().explain(format="json"))
    assert found == plan[0]["Plan"]["Plan Rows"]
    filtered = listing.Customer.objects.filter(is_active=False)
    with CaptureQueriesContext(connection) as context:
        listing.estimate(filtered)
    assert context.captured_queries[0]["sql"].startswith("EXPLAIN")


def _form_query(params) -> str:
    filterset = listing.CustomerFilter(params, queryset=listing.Customer.objects.all())
    assert filterset.is_valid()
    return str(filterset.qs.query)


def _quick_query(params) -> str | None:
    found = listing.quick_filters(params, listing.list_state(StaffFactory())[1])
    if found is None:
        return None
    unsearched, terms = found
    return str((unsearched.filter(terms.q) if terms else unsearched).query)


def test_menu_values_filter_without_the_form_exactly_as_the_form_does(staff):
    group, advisor = CustomerGroupFactory(name="Retail"), StaffFactory()
    tag = Tag.objects.create(name="vip")
    every = {
        "q": "  acme ",
        "type": "individual",
        "group": str(group.pk),
        "country": "EG",
        "advisor": str(advisor.pk),
        "active": "no",
        "tag": str(tag.pk),
    }
    for params in [every, {"active": "yes"}, {"q": "acme"}, {**dict.fromkeys(every, "")}]:
        assert _quick_query(params) == _form_query(params), params


@pytest.mark.parametrize(
    "params",
    [
        {"group": "999999"},
        {"group": " 1"},
        {"advisor": "1.0"},
        {"tag": "x"},
        {"type": "bogus"},
        {"country": "XX"},
        {"active": "maybe"},
        {"q": "a\x00b"},
    ],
)
def test_any_other_value_is_left_to_the_form(staff, params):
    assert _quick_query(params) is None


def test_a_filtered_page_looks_up_no_menu_record(client, staff):
    group = CustomerGroupFactory(name="Retail")
    CustomerFactory(name="Shop", group=group)
    assert "Shop" in _page(client, group=group.pk)
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, {"group": group.pk}).status_code == 200
    assert 'FROM "customers_customergroup"' not in " ".join(
        query["sql"] for query in context.captured_queries
    )


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_country_cells_name_every_country_as_the_model_does(language):
    from django.utils import translation
    from django_countries import countries

    with translation.override(language):
        for code, _name in countries:
            customer = listing.Customer(country=code)
            assert listing.BY_KEY["country"].value(customer) == customer.country.name, code
        assert listing.BY_KEY["country"].value(listing.Customer(country="")) == ""


def test_rows_link_to_each_customer_under_the_script_prefix(client, staff):
    from django.urls import set_script_prefix

    customer = CustomerFactory(name="Acme")
    set_script_prefix("/lumytic/")
    try:
        rows = listing.rows_html([customer], [listing.BY_KEY["name"]])
    finally:
        set_script_prefix("/")
    assert f'href="/lumytic{customer.get_absolute_url()}"' in rows[0]
    assert (
        f'href="{customer.get_absolute_url()}"'
        in listing.rows_html([customer], [listing.BY_KEY["name"]])[0]
    )
