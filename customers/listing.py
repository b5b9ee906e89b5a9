"""The customer list: its columns, filters and sort orders (shared by the page and its export)."""

import html
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from lumytic.core.validation import CheckedForm

from .models import Contact, Customer, CustomerGroup, ListPreference, Tag

LIST_KEY = "customers"
PAGE_SIZES = (25, 50, 100)
# Up to this many estimated matches the list counts exactly; beyond it the planner's estimate
# is shown ("about 100,000"), since an exact COUNT(*) reads every matching row on each request.
EXACT_COUNT_UP_TO = 1_000
COUNT_CAP = 10_000
# A search with up to this many estimated matches sorts them instead of walking the sort index:
# matches cluster by name ("Falcon …"), so a walk can read most of the table before finding 25.
SORT_SEARCH_MATCHES_UP_TO = 20_000
CONTACT_MATCHES_AS_IDS = 500


def _dash(value: Any) -> Any:
    return value if value else "—"


@dataclass(frozen=True)
class _Page:
    """What every row of a page shares, looked up once per page rather than once per row."""

    language: str
    detail_url: str  # a customer's URL with _PK_MARK for the id
    countries: dict[str, str]  # code -> name in the language


# Set by rows_html for the rows it builds (a context variable: safe across threads).
_page: ContextVar[_Page | None] = ContextVar("customer_list_page", default=None)


def _page_state() -> _Page:
    return _page.get() or _new_page()


def _new_page() -> _Page:
    language = get_language() or ""
    return _Page(language, _detail_pattern(language), _country_names(language))


# Per-language HTML that is the same on every row (badges), built once.
_badges: dict[tuple[str, bool], SafeString] = {}


def _active_badge(row: "Row") -> SafeString:
    key = (_page_state().language, bool(row.is_active))
    if key not in _badges:
        if row.is_active:
            badge = format_html('<span class="badge text-bg-success">{}</span>', gettext("Active"))
        else:
            badge = format_html(
                '<span class="badge text-bg-secondary">{}</span>', gettext("Inactive")
            )
        _badges[key] = badge
    return _badges[key]


_PK_MARK = 918273645  # stands for the id in a reversed detail URL
_detail_urls: dict[tuple, str] = {}


def _detail_pattern(language: str) -> str:
    key = (get_urlconf(), get_script_prefix(), language)
    pattern = _detail_urls.get(key)
    if pattern is None:
        pattern = _detail_urls[key] = reverse("customers:customer-detail", args=[_PK_MARK])
    return pattern


def detail_url(pk: int) -> str:
    """`Customer.get_absolute_url()` without a `reverse()` per row: the URL is reversed once
    per URL configuration, script prefix and language, then only the id changes."""
    return _page_state().detail_url.replace(str(_PK_MARK), str(pk), 1)


def _name_link(row: "Row") -> SafeString:
    # Safe: the URL and the name are escaped here.
    return mark_safe(  # noqa: S308
        '<a class="fw-semibold text-decoration-none" href="'
        f'{_escape(detail_url(row.pk))}">{_escape(row.name)}</a>'
    )


def _country(row: "Row") -> str:
    """The country's name in the active language (`customer.country.name`, from a table)."""
    return _page_state().countries.get(row.country, "") if row.country else ""


def _type(row: "Row") -> str:
    """`customer.get_type_display()`."""
    return str(_TYPES.get(row.type, row.type))


_TYPES = dict(Customer.Type.choices)


def _tag_badges(row: "Row") -> SafeString | str:
    if not row.tags:
        return "—"
    return format_html_join(
        "",
        '<span class="badge rounded-pill text-bg-light border me-1">{}</span>',
        ((name,) for name in row.tags),
    )


def _created(row: "Row") -> str:
    return formats.date_format(timezone.localtime(row.created_at), "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: Any
    order_by: str  # a field or an annotation added by `sortable()`
    value: Callable[["Row"], Any]  # the CSV value
    cell: Callable[["Row"], Any]  # the table cell's content (escaped unless SafeString)
    default: bool = False
    css: str = ""
    # True when the sort value can be NULL (an outer join or annotation): NULLs sort last.
    nullable: bool = False

    def td(self, row: "Row") -> str:
        """The cell as HTML; its content is escaped unless it is already safe HTML."""
        content = _html(self.cell(row))
        return f'<td class="{self.css}">{content}</td>' if self.css else f"<td>{content}</td>"


def _escape(text: str) -> str:
    # The same five characters and entities as django.utils.html.escape, without its lazy
    # wrapper and SafeString result (called for every cell).
    return html.escape(text, quote=True)


def _html(value: Any) -> str:
    """`conditional_escape(value)` as a plain string: safe HTML kept, anything else escaped."""
    if type(value) is str:
        return _escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def row_html(row: "Row", columns: list[ListColumn]) -> SafeString:
    """One table row; string building instead of a template include per cell (~10x faster)."""
    # Safe: every cell escapes its content in `td`, and the markup around it is constant.
    return mark_safe("".join([column.td(row) for column in columns]))  # noqa: S308


def rows_html(rows: Iterable["Row"], columns: list[ListColumn]) -> list[SafeString]:
    token = _page.set(_new_page())
    try:
        return [row_html(row, columns) for row in rows]
    finally:
        _page.reset(token)


def table_rows(rows: list[SafeString]) -> SafeString:
    # Safe: each row is escaped HTML from row_html.
    return mark_safe("".join([f"<tr>{row}</tr>" for row in rows]))  # noqa: S308


def header_html(columns: list[ListColumn], sort_key: str, descending: bool, query: str) -> str:
    """The header cells: each label links to sorting by its column (the other way round for
    the sort column, which is marked)."""
    href = f"?{_escape(query)}&amp;sort=" if query else "?sort="
    way, caret = ("descending", "down") if descending else ("ascending", "up")
    cells = []
    for column in columns:
        label = _escape(str(column.label))
        if column.key == sort_key:
            flip = "" if descending else "-"
            cells.append(
                f'<th scope="col" aria-sort="{way}"><a class="text-reset text-decoration-none" '
                f'href="{href}{flip}{column.key}">{label} '
                f'<i class="bi bi-caret-{caret}-fill small" aria-hidden="true"></i></a></th>'
            )
        else:
            cells.append(
                '<th scope="col"><a class="text-reset text-decoration-none" '
                f'href="{href}{column.key}">{label}</a></th>'
            )
    # Safe: the labels and the query are escaped here; the rest is constant markup.
    return mark_safe("".join(cells))  # noqa: S308


def page_size_links(sizes: tuple[int, ...], current: int, query: str) -> SafeString:
    href = f"?{_escape(query)}&amp;per_page=" if query else "?per_page="
    links = [
        f'<a class="btn btn-outline-secondary active" href="{href}{size}" aria-current="true">'
        f"{size}</a>"
        if size == current
        else f'<a class="btn btn-outline-secondary" href="{href}{size}">{size}</a>'
        for size in sizes
    ]
    # Safe: the query is escaped here; sizes are numbers.
    return mark_safe("".join(links))  # noqa: S308


def page_links(page: "SeekPage", query: str) -> SafeString:
    """First, Previous, Next and Last: links where they lead somewhere, else greyed out."""
    href = f"?{_escape(query)}&amp;" if query else "?"
    links = [
        # (leads somewhere, URL, rel, icon, label, icon before the label)
        (not page.is_first, f"?{_escape(query)}", "first", "chevron-bar-left", _("First"), 1),
        (
            page.has_previous,
            f"{href}before={page.first_pk}",
            "prev",
            "chevron-left",
            _("Previous"),
            1,
        ),
        (page.has_next, f"{href}after={page.last_pk}", "next", "chevron-right", _("Next"), 0),
        (not page.is_last, f"{href}last=1", "last", "chevron-bar-right", _("Last"), 0),
    ]
    items = []
    for active, url, rel, icon, label, icon_first in links:
        icon = f'<i class="bi bi-{icon}" aria-hidden="true"></i>'
        text = f"{icon} {_escape(str(label))}" if icon_first else f"{_escape(str(label))} {icon}"
        if active:
            link = f'<a class="page-link" href="{url}" rel="{rel}">{text}</a>'
            items.append(f'<li class="page-item">{link}</li>')
        else:
            items.append(
                f'<li class="page-item disabled"><span class="page-link">{text}</span></li>'
            )
    # Safe: the query and the labels are escaped here; ids are numbers.
    return mark_safe("".join(items))  # noqa: S308


# The column chooser's checkboxes, per language and set of visible columns.
_checkboxes: dict[tuple[str, tuple[str, ...]], SafeString] = {}


def column_checkboxes(visible: list[str]) -> SafeString:
    """A checkbox per column for the column chooser, the visible ones checked."""
    key = (get_language() or "", tuple(visible))
    rendered = _checkboxes.get(key)
    if rendered is None:
        if len(_checkboxes) > 500:
            _checkboxes.clear()
        rendered = _checkboxes[key] = format_html_join(
            "",
            '<div class="form-check"><input class="form-check-input" type="checkbox" '
            'name="columns" value="{}" id="col-{}"{}{}><label class="form-check-label" '
            'for="col-{}">{}</label></div>',
            (
                (
                    c.key,
                    c.key,
                    " checked" if c.key in visible else "",
                    " disabled" if c.key == "name" else "",
                    c.key,
                    c.label,
                )
                for c in COLUMNS
            ),
        )
    return rendered


COLUMNS: tuple[ListColumn, ...] = (
    ListColumn(
        "number",
        _("Number"),
        "number",
        lambda r: r.number,
        lambda r: r.number,
        default=True,
        css="font-monospace small text-nowrap",
    ),
    ListColumn("name", _("Company"), "name", lambda r: r.name, _name_link, default=True),
    ListColumn("type", _("Type"), "type", _type, _type),
    ListColumn(
        "group", _("Group"), "group__name", lambda r: r.group, lambda r: r.group, default=True
    ),
    ListColumn(
        "email",
        _("Email"),
        "email",
        lambda r: r.email,
        lambda r: _dash(r.email),
        default=True,
        css="small",
    ),
    ListColumn(
        "phone",
        _("Phone"),
        "phone",
        lambda r: r.phone or "",
        lambda r: _dash(r.phone),
        css="small text-nowrap",
    ),
    ListColumn(
        "country", _("Country"), "country", _country, lambda r: _dash(_country(r)), default=True
    ),
    ListColumn("city", _("City"), "billing_city", lambda r: r.city, lambda r: _dash(r.city)),
    ListColumn(
        "contact",
        _("Primary contact"),
        "primary_contact_name",
        lambda r: r.contact or "",
        lambda r: _dash(r.contact),
        nullable=True,
    ),
    ListColumn(
        "advisor",
        _("Advisor"),
        "advisor__first_name",
        lambda r: r.advisor or "",
        lambda r: _dash(r.advisor),
        default=True,
        nullable=True,
    ),
    ListColumn(
        "reseller",
        _("Reseller"),
        "reseller__name",
        lambda r: r.reseller or "",
        lambda r: _dash(r.reseller),
        nullable=True,
    ),
    ListColumn(
        "tags", _("Tags"), "first_tag", lambda r: ", ".join(r.tags), _tag_badges, nullable=True
    ),
    ListColumn(
        "currency", _("Currency"), "default_currency", lambda r: r.currency, lambda r: r.currency
    ),
    ListColumn(
        "created",
        _("Created"),
        "created_at",
        lambda r: r.created_at.date().isoformat(),
        _created,
        css="small text-nowrap",
    ),
    ListColumn(
        "active",
        _("Status"),
        "is_active",
        lambda r: _("Active") if r.is_active else _("Inactive"),
        _active_badge,
        default=True,
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = [c.key for c in COLUMNS if c.default]
DEFAULT_SORT = "name"


def _staff():
    return get_user_model().objects.filter(role="staff")


class SearchTerms:
    """What a search matches: the name, and the rest (number, email, phone, a contact).

    Building it looks up the matching contacts (one query).
    """

    def __init__(self, value: str):
        self.value = value
        # Every arm is then a plain column test with its own index (0003, 0004), so PostgreSQL
        # can OR the index matches (BitmapOr); a sub-query arm (EXISTS or IN) would make it
        # test every customer row. Contact matches come first, as ids, unless there are many.
        found = _contact_ids(value, CONTACT_MATCHES_AS_IDS + 1)
        if found is None:
            found = list(_contacts(value)[: CONTACT_MATCHES_AS_IDS + 1])
        self.found = _contacts(value) if len(found) > CONTACT_MATCHES_AS_IDS else found
        self.name = Q(name__icontains=value)
        self.others = (
            Q(number__iexact=value)
            | Q(email__icontains=value)
            | Q(phone__contains=value.replace(" ", ""))
            | Q(pk__in=self.found)
        )

    @property
    def q(self) -> Q:
        return self.name | self.others

    def sql(self) -> tuple[str, list, str, list]:
        """`name` and `others` as the SQL Django compiles them for PostgreSQL (the test suite
        checks they match), with their parameters: a ranked page builds its queries from these
        without compiling the same conditions again for each part."""
        table = connection.ops.quote_name(Customer._meta.db_table)
        like = connection.ops.prep_for_like_query
        name = f'UPPER({table}."name"::text) LIKE UPPER(%s)'
        parts = [
            f'UPPER({table}."number"::text) = UPPER(%s)',
            f'UPPER({table}."email"::text) LIKE UPPER(%s)',
            f'{table}."phone"::text LIKE %s',
        ]
        params = [
            self.value,
            f"%{like(self.value)}%",
            f"%{like(self.value.replace(' ', ''))}%",
        ]
        if isinstance(self.found, list):
            if self.found:  # Django leaves out an IN of nothing
                parts.append(f'{table}."id" IN ({", ".join(["%s"] * len(self.found))})')
                params.extend(self.found)
        else:
            contacts, contact_params = self.found.query.sql_with_params()
            parts.append(f'{table}."id" IN ({contacts})')
            params.extend(contact_params)
        return name, [f"%{like(self.value)}%"], f"({' OR '.join(parts)})", params


def _contacts(value: str) -> QuerySet:
    """Ids of customers with a contact whose name or email contains the search."""
    contacts = Contact.objects.filter(
        Q(first_name__icontains=value) | Q(last_name__icontains=value) | Q(email__icontains=value)
    )
    return contacts.order_by().values_list("customer_id", flat=True)  # no need for Contact's order


# `_contacts(value)[:limit]` as PostgreSQL runs it, written out (no query to build and compile
# on every search); the test suite checks it against Django's SQL.
_CONTACT_IDS_SQL = (
    'SELECT "customers_contact"."customer_id" AS "customer_id" FROM "customers_contact" '
    'WHERE (UPPER("customers_contact"."first_name"::text) LIKE UPPER(%s) '
    'OR UPPER("customers_contact"."last_name"::text) LIKE UPPER(%s) '
    'OR UPPER("customers_contact"."email"::text) LIKE UPPER(%s)) LIMIT %s'
)


def _contact_ids(value: str, limit: int) -> list[int] | None:
    """Up to `limit` ids of customers with a contact matching the search (None off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    pattern = f"%{connection.ops.prep_for_like_query(value)}%"
    with connection.cursor() as cursor:
        cursor.execute(_CONTACT_IDS_SQL, [pattern, pattern, pattern, limit])
        return [row[0] for row in cursor.fetchall()]


ACTIVE_CHOICES = [("yes", _("Active")), ("no", _("Inactive"))]


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Customer.Type.choices)
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=CustomerGroup.objects.order_by("name")
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=lambda: country_choices())
    advisor = django_filters.ModelChoiceFilter(
        label=_("Advisor"), queryset=_staff().order_by("first_name", "email")
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="is_active",
        choices=ACTIVE_CHOICES,
        method="filter_active",
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.order_by("name")
    )

    # Set by filter_queryset: every filter but the search, and the search's terms (or None).
    unsearched: QuerySet | None = None
    terms: SearchTerms | None = None

    class Meta:
        model = Customer
        form = CheckedForm
        fields = ["q", "type", "group", "country", "advisor", "active", "tag"]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Every filter, the search last; the rest stays apart so the list can rank matches."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        self.unsearched = queryset
        return self.filters["q"].filter(queryset, data.get("q"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        self.terms = SearchTerms(value)
        return queryset.filter(self.terms.q)

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=(value == "yes"))


def parse_sort(raw: str | None) -> tuple[str, bool]:
    """Return (column key, descending) for a `?sort=` value, falling back to the default."""
    raw = raw or DEFAULT_SORT
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in BY_KEY:
        return DEFAULT_SORT, False
    return key, descending


def sortable(
    queryset: QuerySet, key: str, descending: bool, *, walk_index: bool = True
) -> QuerySet:
    """Order by one column (annotating it when it is not a plain field), then by id.

    With `walk_index=False` a not-null column asks for the NULL placement its index does not
    have: the order is the same, but PostgreSQL sorts the matches instead of walking the index.
    """
    if key == "contact":
        primary = Contact.objects.filter(customer=OuterRef("pk"), is_primary=True)
        queryset = queryset.annotate(
            primary_contact_name=Subquery(primary.values("first_name")[:1])
        )
    elif key == "tags":
        queryset = queryset.annotate(first_tag=Min("tags__name"))
    column = BY_KEY[key]
    field = F(column.order_by)
    if column.nullable:
        order = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    elif not walk_index:
        order = field.desc(nulls_last=True) if descending else field.asc(nulls_first=True)
    else:
        # No NULLS clause, so the ORDER BY matches a plain (column, id) index.
        order = field.desc() if descending else field.asc()
    return queryset.order_by(order, "-pk" if descending else "pk")


# What each column reads, as `values()` names: a page selects only these (no model instances,
# no joins a visible column does not need).
_FIELDS = {
    "number": {"number": "number"},
    "name": {"name": "name"},
    "type": {"type": "type"},
    "group": {"group__name": "group"},
    "email": {"email": "email"},
    "phone": {"phone": "phone"},
    "country": {"country": "country"},
    "city": {"billing_city": "city"},
    "advisor": {"advisor__first_name": "", "advisor__last_name": "", "advisor__email": ""},
    "reseller": {"reseller__name": "reseller"},
    "currency": {"default_currency": "currency"},
    "created": {"created_at": "created_at"},
    "active": {"is_active": "is_active"},
}


class Row:
    """A customer as the list's columns read it: plain values of the visible columns (one
    `values()` query, no model instances), with the primary contact's name and the tag names
    when those columns show. Attributes of columns not shown are None."""

    __slots__ = (
        "advisor",
        "city",
        "contact",
        "country",
        "created_at",
        "currency",
        "email",
        "group",
        "is_active",
        "name",
        "number",
        "phone",
        "pk",
        "reseller",
        "tags",
        "type",
    )

    def __init__(self, values: dict, names: dict[str, str]):
        for slot in self.__slots__:
            setattr(self, slot, None)
        self.pk = values["pk"]
        for field, name in names.items():
            if name:
                setattr(self, name, values[field])
        if "advisor__email" in values and values["advisor__email"] is not None:
            # str(User): the full name, else the email.
            full = f"{values['advisor__first_name']} {values['advisor__last_name']}".strip()
            self.advisor = full or values["advisor__email"]


def _names(columns: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for key in columns:
        names.update(_FIELDS.get(key, {}))
    return names


def load_rows(queryset: QuerySet, columns: list[str]) -> list[Row]:
    """The queryset's customers (in its order) as rows for these columns, in a fixed number of
    queries: the rows, then the primary contacts and the tags when they show."""
    names = _names(columns)
    rows = [Row(values, names) for values in queryset.values("pk", *names)]
    _add_related(rows, columns)
    return rows


def iter_rows(queryset: QuerySet, columns: list[str], chunk_size: int) -> Iterator[Row]:
    """load_rows in chunks, in constant memory (the export)."""
    names = _names(columns)
    chunk: list[Row] = []
    for values in queryset.values("pk", *names).iterator(chunk_size=chunk_size):
        chunk.append(Row(values, names))
        if len(chunk) == chunk_size:
            _add_related(chunk, columns)
            yield from chunk
            chunk = []
    _add_related(chunk, columns)
    yield from chunk


def _add_related(rows: list[Row], columns: list[str]) -> None:
    if not rows:
        return
    by_pk = {row.pk: row for row in rows}
    if "contact" in columns:
        primary = Contact.objects.filter(customer_id__in=by_pk, is_primary=True)
        for customer_id, first, last in primary.values_list(
            "customer_id", "first_name", "last_name"
        ):
            by_pk[customer_id].contact = f"{first} {last}".strip()  # str(Contact)
    if "tags" in columns:
        for row in rows:
            row.tags = []
        # Tag's own order (name), as `customer.tags.all()` gives it.
        links = Customer.tags.through.objects.filter(customer_id__in=by_pk)
        for customer_id, name in links.order_by("tag__name", "tag_id").values_list(
            "customer_id", "tag__name"
        ):
            by_pk[customer_id].tags.append(name)


# --- Cached per-page state: the staff member's columns and the filter menus' records -------
#
# A page reads both in one cache round trip (`list_state`).
#
# The column choice is cached per staff member and written through: when a user is created
# (no choice yet), when a choice is saved (`remember_columns`, or any ListPreference save) and
# when it is deleted. A miss (eviction, flush) reads the database once.
#
# The menus' records (groups, advisors, tags) are cached under a version token that a save or
# delete of a group, tag, user or import replaces (signals, connected in apps.py); each process
# keeps the records, and their rendered <option>s, for the token it last saw. Writes that send
# no signal (QuerySet.update, raw SQL, an import that fails) show after MENUS_MAX_AGE seconds.

COLUMNS_KEY = "customers:list:columns:{user_id}"
COLUMNS_TIMEOUT = 7 * 24 * 3600
MENUS_VERSION_KEY = "customers:list:menus-version"
MENUS_KEY = "customers:list:menus:{version}"
MENUS_MAX_AGE = 300


def _columns_key(user_id) -> str:
    return COLUMNS_KEY.format(user_id=user_id)


def _stored_columns(user) -> list[str]:
    pref = (
        ListPreference.objects.filter(user=user, list_key=LIST_KEY)
        .values_list("columns", flat=True)
        .first()
    )
    return list(pref or [])


def _chosen(stored: list[str]) -> list[str]:
    chosen = [key for key in stored if key in BY_KEY]
    return chosen or DEFAULT_COLUMNS


def _columns_from(found: dict, user) -> list[str]:
    key = _columns_key(user.pk)
    stored = found.get(key)
    if stored is None:
        stored = _stored_columns(user)
        cache.set(key, stored, COLUMNS_TIMEOUT)
    return _chosen(stored)


def visible_columns(user) -> list[str]:
    """The staff member's columns for the customer list (cached, see above)."""
    return _columns_from(cache.get_many([_columns_key(user.pk)]), user)


def _store_columns(user_id, stored: list[str]) -> None:
    """Cache a staff member's stored column choice now, and again when the transaction commits
    (so it is the last write if another request cached the old choice meanwhile)."""
    key = _columns_key(user_id)
    cache.set(key, stored, COLUMNS_TIMEOUT)
    transaction.on_commit(lambda: cache.set(key, stored, COLUMNS_TIMEOUT))


def remember_columns(*, user, columns: list[str]) -> list[str]:
    """Save a staff member's column choice for the customer list (the name always stays)."""
    chosen = [c.key for c in COLUMNS if c.key in set(columns) or c.key == "name"]
    ListPreference.objects.update_or_create(
        user=user, list_key=LIST_KEY, defaults={"columns": chosen}
    )
    _store_columns(user.pk, chosen)
    return chosen


def preference_saved(sender, instance, **kwargs) -> None:
    """post_save of a ListPreference (remember_columns, the admin): cache the new choice."""
    if instance.list_key == LIST_KEY:
        _store_columns(instance.user_id, list(instance.columns or []))


def preference_deleted(sender, instance, **kwargs) -> None:
    """post_delete of a ListPreference: the staff member is back to the default columns."""
    if instance.list_key == LIST_KEY:
        _store_columns(instance.user_id, [])


def user_created(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save of a user: a new user has no column choice yet; cache that."""
    if created and not raw:
        cache.set(_columns_key(instance.pk), [], COLUMNS_TIMEOUT)


def _new_menus_version() -> str:
    token = uuid.uuid4().hex
    if cache.add(MENUS_VERSION_KEY, token, None):
        return token
    return cache.get(MENUS_VERSION_KEY) or token


def _bump_menus_version() -> None:
    cache.set(MENUS_VERSION_KEY, uuid.uuid4().hex, None)


def menus_changed(sender, using=None, update_fields=None, **kwargs) -> None:
    """post_save / post_delete of a group, tag, user or import: the menus' records change.

    The version is replaced at once (this process and this transaction see the change) and
    again at commit, so a page that read the old rows meanwhile cannot cache them as new.
    """
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in; names and roles are unchanged
    _bump_menus_version()
    transaction.on_commit(_bump_menus_version, using=using)


def list_state(user) -> tuple[list[str], str]:
    """(visible columns, menus version) for a page: one cache round trip when both are warm."""
    found = cache.get_many([MENUS_VERSION_KEY, _columns_key(user.pk)])
    version = found.get(MENUS_VERSION_KEY) or _new_menus_version()
    return _columns_from(found, user), version


# --- Filter choices ---------------------------------------------------------------------------

# Country names are static data: translated and sorted once per language, not per request.
_country_choices: dict[str, list[tuple[str, str]]] = {}


def country_choices() -> list[tuple[str, str]]:
    """(code, name) for every country, in the active language and its alphabetical order."""
    language = get_language() or ""
    if language not in _country_choices:
        _country_choices[language] = [(code, str(name)) for code, name in countries]
    return _country_choices[language]


_country_name_maps: dict[str, dict[str, str]] = {}


def _country_names(language: str) -> dict[str, str]:
    names = _country_name_maps.get(language)
    if names is None:
        names = _country_name_maps[language] = dict(country_choices())
    return names


def _record_choices() -> dict[str, list[tuple[str, str]]]:
    """Groups, advisors and tags for the filter menus (plain rows, no model instances)."""
    advisors = _staff().order_by("first_name", "email", "pk")
    return {
        "group": [
            (str(pk), name)
            for pk, name in CustomerGroup.objects.order_by("name", "pk").values_list("pk", "name")
        ],
        "advisor": [
            (str(pk), f"{first} {last}".strip() or email)
            for pk, first, last, email in advisors.values_list(
                "pk", "first_name", "last_name", "email"
            )
        ],
        "tag": [
            (str(pk), name)
            for pk, name in Tag.objects.order_by("name", "pk").values_list("pk", "name")
        ],
    }


@dataclass(frozen=True)
class _Menus:
    version: str
    loaded_at: float  # time.time() when the records were read from the database
    records: dict[str, list[tuple[str, str]]]
    html: dict  # (language, menu name) -> every <option>, none selected

    @cached_property
    def ids(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(pk for pk, _label in rows) for name, rows in self.records.items()}


_menus: _Menus | None = None


def menu_records(version: str) -> _Menus:
    """The menus' records for this version: this process's copy, else the cache's, else the
    database's (then cached for the other processes)."""
    global _menus  # one immutable snapshot per process, swapped whole
    menus, now = _menus, time.time()
    if menus is not None and menus.version == version and now - menus.loaded_at < MENUS_MAX_AGE:
        return menus
    key = MENUS_KEY.format(version=version)
    stored = cache.get(key)
    if stored is None or now - stored[0] >= MENUS_MAX_AGE:
        stored = (now, _record_choices())
        cache.set(key, stored, MENUS_MAX_AGE)
    _menus = menus = _Menus(version, stored[0], stored[1], {})
    return menus


def _options(choices, selected: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def _select(rendered: SafeString, selected: str) -> SafeString:
    """Options rendered with none selected, with the option of this value marked selected."""
    chosen = f'<option value="{escape(selected)}">'
    if not selected or chosen not in rendered:
        return rendered
    # Safe: both the rendered options and `chosen` are escaped HTML built here.
    return mark_safe(rendered.replace(chosen, chosen[:-1] + " selected>", 1))  # noqa: S308


_CHOICES = {"type": Customer.Type.choices, "active": ACTIVE_CHOICES}
MENU_NAMES = ("type", "group", "country", "advisor", "active", "tag")  # the FilterSet's order


def filter_menus(params, version: str) -> list[dict]:
    """Each filter's <select>: name, label and its options HTML, the chosen one selected."""
    menus_state = menu_records(version)
    language = get_language() or ""
    rendered_all = menus_state.html
    any_option = rendered_all.get((language, ""))
    if any_option is None:
        any_option = format_html('<option value="">{}</option>', gettext("Any"))
        rendered_all[(language, "")] = any_option
    menus = []
    for name in MENU_NAMES:
        rendered = rendered_all.get((language, name))
        if rendered is None:
            if name == "country":
                choices = country_choices()
            elif name in menus_state.records:
                choices = menus_state.records[name]
            else:
                choices = [(str(v), str(label)) for v, label in _CHOICES[name]]
            rendered = rendered_all[(language, name)] = _options(choices, "")
        menus.append(
            {
                "name": name,
                "id": f"id_{name}",
                "label": CustomerFilter.base_filters[name].label,
                "options": any_option + _select(rendered, str(params.get(name, "") or "")),
            }
        )
    return menus


def filter_selects(menus: list[dict]) -> SafeString:
    """The filter form's labelled <select>s (string building: a template loop costs more)."""
    # Safe: labels are escaped here; the options are escaped HTML from filter_menus.
    return mark_safe(  # noqa: S308
        "".join(
            '<div class="col-6 col-md-4 col-xl-2">'
            f'<label class="form-label small" for="{menu["id"]}">{_escape(str(menu["label"]))}'
            f'</label><select name="{menu["name"]}" id="{menu["id"]}" class="form-select">'
            f"{menu['options']}</select></div>"
            for menu in menus
        )
    )


def quick_filters(params, version: str) -> tuple[QuerySet, SearchTerms | None] | None:
    """(customers matching every filter but the search, the search) without the django-filter
    form, when every value is one it accepts as it is: a menu's id or choice, a search without
    a NUL. Anything else gives None: the form then validates it (and drops the filters when
    it is invalid). The filters are applied as CustomerFilter applies them, in the same order.
    """
    menus = menu_records(version)
    queryset = Customer.objects.all()
    for name in MENU_NAMES:
        value = params.get(name, "")
        if not value:
            continue
        if name in menus.ids:  # group, advisor, tag: a record the menu lists
            if value not in menus.ids[name]:
                return None
            field = "tags" if name == "tag" else name
            queryset = queryset.filter(**{f"{field}__exact": int(value)})
        elif name == "country":
            if value not in _country_codes():
                return None
            queryset = queryset.filter(country__exact=value)
        elif value not in {str(choice) for choice, _label in _CHOICES[name]}:
            return None
        elif name == "active":
            queryset = queryset.filter(is_active=(value == "yes"))
        else:
            queryset = queryset.filter(**{f"{name}__exact": value})
    search = params.get("q", "")
    if "\x00" in search:
        return None
    search = search.strip()
    return queryset, (SearchTerms(search) if search else None)


_codes: frozenset[str] = frozenset()


def _country_codes() -> frozenset[str]:
    global _codes  # the same for every language
    if not _codes:
        _codes = frozenset(code for code, _name in country_choices())
    return _codes


# --- Counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    """How many customers the list holds: exact, at least `value`, or about `value`."""

    value: int
    kind: str  # "exact", "more" or "about"


# The planner's own row estimate for a whole table (what EXPLAIN shows for a plain scan): the
# rows per page at the last ANALYZE times the table's current pages. NULL before any ANALYZE.
_TABLE_ROWS_SQL = """
    SELECT CASE WHEN relpages > 0 AND reltuples >= 0 THEN round(
        reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::int)
    ) END
    FROM pg_class WHERE oid = %s::regclass
"""


def estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's planner estimate of the rows the queryset returns (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    if not queryset.query.where and not queryset.query.annotations:
        # Every customer: read the estimate from the catalogue instead of planning a query.
        with connection.cursor() as cursor:
            cursor.execute(_TABLE_ROWS_SQL, [queryset.model._meta.db_table])
            row = cursor.fetchone()
        if row and row[0] is not None:
            return int(row[0])
    # The rows, not the columns, matter: selecting only ids keeps compiling and planning short.
    plan = queryset.order_by().values("pk").explain(format="json")
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


def search_estimate(terms: SearchTerms) -> int:
    """`estimate()` of the search's matches among every customer, planned from the search's
    compiled conditions rather than a queryset compiled again (the same SQL)."""
    name, name_params, others, others_params = terms.sql()
    table = connection.ops.quote_name(Customer._meta.db_table)
    either = f"({name} OR {others[1:-1]})"  # one OR, as Django writes `name | others`
    # Safe: constant SQL and the search's compiled conditions; values are parameters.
    sql = f'EXPLAIN (FORMAT JSON) SELECT {table}."id" AS "pk" FROM {table} WHERE {either}'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*name_params, *others_params])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _rounded(number: int) -> int:
    """Two significant figures, so an estimate does not look exact."""
    digits = len(str(number))
    step = 10 ** max(0, digits - 2)
    return round(number / step) * step


def count(queryset: QuerySet | Callable[[], QuerySet], estimate: int | None) -> Total:
    """An exact count while it is cheap; otherwise the planner's estimate, rounded. (The
    queryset may be a function that builds it, called only for an exact count.)"""
    if estimate is not None and estimate > EXACT_COUNT_UP_TO:
        return Total(_rounded(estimate), "about")
    if callable(queryset):
        queryset = queryset()
    # LIMIT bounds the work when the estimate was too low.
    exact = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    if exact > COUNT_CAP:
        return Total(COUNT_CAP, "more")
    return Total(exact, "exact")


# --- Keyset ("seek") pagination ---------------------------------------------------------------


class _RowCompare(Expression):
    """`(column, id) > (value, id)`: one range on a (column, id) index, so page 4,000 costs
    what page 1 does, unlike OFFSET which reads and drops every row before the page."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, value: Any, pk: int, op: str):
        super().__init__()
        self.column, self.key = F(column), F("pk")
        self.value, self.pk, self.op = value, pk, op
        # The anchor's value as a sub-query (read in the same query) rather than a value.
        self.lookup = value if hasattr(value, "resolve_expression") else None

    def get_source_expressions(self):
        return [self.column, self.key] + ([self.lookup] if self.lookup is not None else [])

    def set_source_expressions(self, exprs):
        self.column, self.key, *lookup = exprs
        if lookup:
            self.lookup = lookup[0]

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        key_sql, key_params = compiler.compile(self.key)
        value_sql, value_params = compiler.compile(
            self.lookup
            if self.lookup is not None
            else Value(self.value, output_field=self.column.output_field)
        )
        pk_sql, pk_params = compiler.compile(Value(self.pk, output_field=self.key.output_field))
        return (
            f"({column_sql}, {key_sql}) {self.op} ({value_sql}, {pk_sql})",
            [*column_params, *key_params, *value_params, *pk_params],
        )


def _beyond(column: ListColumn, value: Any, pk: int, forward: bool) -> Q:
    """Rows after (forward) or before the anchor row (value, pk) in the list's order, for
    ascending order; `seek` swaps the direction for descending order. NULLs sort last."""
    name = column.order_by
    if value is None:  # the anchor is among the trailing NULLs
        if forward:
            return Q(**{f"{name}__isnull": True, "pk__gt": pk})
        return Q(**{f"{name}__isnull": False}) | Q(**{f"{name}__isnull": True, "pk__lt": pk})
    if forward:
        after = Q(_RowCompare(name, value, pk, ">"))
        return after | Q(**{f"{name}__isnull": True}) if column.nullable else after
    return Q(_RowCompare(name, value, pk, "<"))


def _beyond_desc(column: ListColumn, value: Any, pk: int, forward: bool) -> Q:
    name = column.order_by
    if value is None:
        if forward:
            return Q(**{f"{name}__isnull": True, "pk__lt": pk})
        return Q(**{f"{name}__isnull": False}) | Q(**{f"{name}__isnull": True, "pk__gt": pk})
    if forward:
        after = Q(_RowCompare(name, value, pk, "<"))
        return after | Q(**{f"{name}__isnull": True}) if column.nullable else after
    return Q(_RowCompare(name, value, pk, ">"))


@dataclass
class SeekPage:
    """One page of the list, found from the row before or after it rather than by OFFSET."""

    object_list: list
    per_page: int
    has_previous: bool
    has_next: bool
    is_first: bool
    is_last: bool

    @property
    def first_pk(self) -> int | None:
        return self.object_list[0].pk if self.object_list else None

    @property
    def last_pk(self) -> int | None:
        return self.object_list[-1].pk if self.object_list else None


def _int(raw: str | None) -> int | None:
    try:
        number = int(raw or "")
    except ValueError:
        return None
    return number if number > 0 else None


class ColumnOrder:
    """The list in one column's order (then id), paged from a row by a range on its index."""

    def __init__(self, queryset: QuerySet, key: str, descending: bool, columns: list[str]):
        self.queryset = queryset  # sorted by `sortable`
        self.key, self.descending = key, descending
        self.column = BY_KEY[key]
        self.columns = columns

    def anchor(self, pk: int) -> list:
        """The row's sort value in a one-item list; empty when there is no such row.

        For a column that is never NULL (no NULL placement to decide here), the value is a
        sub-query that the page's own query reads: one query fewer (see `missing`)."""
        if not self.column.nullable and self.key not in ("contact", "tags"):
            row = Customer.objects.filter(pk=pk).order_by()
            return [Subquery(row.values(self.column.order_by)[:1])]
        return list(
            sortable(Customer.objects.filter(pk=pk), self.key, self.descending).values_list(
                self.column.order_by, flat=True
            )[:1]
        )

    def missing(self, pk: int) -> bool:
        """No such row (asked only when no row follows the anchor)."""
        return not Customer.objects.filter(pk=pk).exists()

    def rows(self, *, anchor=None, forward: bool = True, offset: int = 0, limit: int):
        """Up to `limit` rows in list order: after the anchor (value, pk), or before it, or the
        last ones (no anchor, not forward), or from `offset`."""
        queryset = self.queryset
        if anchor is not None:
            beyond = _beyond_desc if self.descending else _beyond
            queryset = queryset.filter(beyond(self.column, anchor[0], anchor[1], forward=forward))
        page = queryset.reverse()[:limit] if not forward else queryset[offset : offset + limit]
        if self.key in ("contact", "tags"):
            # Sorted by a sub-query or an aggregate: the page's ids first, then their columns.
            ids = Customer.objects.filter(pk__in=page.values("pk"))
            return load_rows(sortable(ids, self.key, self.descending), self.columns)
        # One query: the page in its order, with what the columns show joined to it.
        rows = load_rows(page, self.columns)
        return rows if forward else rows[::-1]


class Relevance:
    """A search's matches, best first (PostgreSQL): name matches by pg_trgm's word distance
    from the search to the name, then the other matches (number, email, phone, a contact);
    ties by id.

    A forward page is a UNION of the two kinds, each read in order and stopped after a page:
    when many names match, through the GiST index of migration 0006 (nearest first, so
    "falcon" reads 26 of its 5,000 matches), else by sorting the few; the others through their
    own indexes. Previous and Last sort every match, and a page after many others reads the
    pages before it: rare, so kept simple. The SQL is put together from the search's compiled
    conditions (SearchTerms.sql).
    """

    OTHERS = 1.0  # after every name match (a distance is at most 1)

    def __init__(self, terms: SearchTerms, queryset: QuerySet, columns: list[str], estimate: int):
        self.terms = terms
        self.columns = columns  # the ones a page shows
        # A few matches are found and sorted through the GIN index faster than walked in order.
        self.walk = estimate > EXACT_COUNT_UP_TO
        self.table = connection.ops.quote_name(Customer._meta.db_table)
        self.name, self.name_params, self.others, self.others_params = terms.sql()
        self.distance = f'(%s <<-> UPPER({self.table}."name"::text))'
        # The same name and distance as migration 0006's index has them, for its ordered scan.
        indexed = f'(UPPER({self.table}."name"::text) COLLATE "C")'
        self.indexed_name = f"{indexed} LIKE UPPER(%s)"
        self.indexed_distance = f"(%s <<-> {indexed})"
        # The other filters, as a condition on the id (none when there are none).
        self.filters, self.filter_params = "", []
        if queryset.query.where:
            sql, params = queryset.values("pk").query.sql_with_params()
            self.filters, self.filter_params = f' AND {self.table}."id" IN ({sql})', list(params)

    def rank(self) -> RawSQL:
        """Each match's rank, in one expression (the page's rows, the export, an anchor)."""
        # Safe: constant SQL and the search's compiled conditions; values are parameters.
        return RawSQL(  # noqa: S611
            f"CASE WHEN {self.name} THEN {self.distance} ELSE CAST(1 AS real) END",
            [*self.name_params, self.terms.value],
            output_field=FloatField(),
        )

    def order(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(search_rank=self.rank()).order_by("search_rank", "pk")

    def anchor(self, pk: int) -> list:
        return list(
            Customer.objects.filter(pk=pk)
            .annotate(search_rank=self.rank())
            .values_list("search_rank", flat=True)[:1]
        )

    def missing(self, pk: int) -> bool:
        return False  # `anchor` has looked

    def rows(self, *, anchor=None, forward: bool = True, offset: int = 0, limit: int):
        """Up to `limit` rows in list order (see ColumnOrder.rows)."""
        ids, rank = self.ids(anchor, forward, offset, limit), self.rank()
        sql, names, converters = _ranked_page_sql(tuple(self.columns))
        sql = sql.replace(_IDS_MARK, ids.sql, 1).replace(_RANK_MARK, rank.sql, 1)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*ids.params, *rank.params])
            found = [list(values) for values in cursor.fetchall()]
        for values in found:  # what values() does with them: a phone number object, say
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    values[position] = convert(values[position], expression, connection)
        fields = _names(self.columns)
        rows = [Row(dict(zip(names, values, strict=True)), fields) for values in found]
        _add_related(rows, self.columns)
        return rows

    def ids(self, anchor, forward: bool, offset: int, limit: int) -> RawSQL:
        table, way = self.table, "" if forward else " DESC"
        # Forward with many matches, the name arm is written as the index's two keys, so its
        # scan returns the matches in this order and stops; otherwise the matches are sorted.
        walk = forward and self.walk
        if walk:
            name, distance = self.indexed_name, self.indexed_distance
        else:
            name, distance = self.name, self.distance
        names_where = name + self.filters
        names_params = [*self.name_params, *self.filter_params]
        others_where = f"{self.others} AND NOT ({self.name}){self.filters}"
        others_params = [*self.others_params, *self.name_params, *self.filter_params]
        others = True
        if anchor is not None:
            value, pk = anchor
            # pg_trgm's distance is a real: compared as a real, an equal rank is equal.
            names_where += f' AND ({distance}, {table}."id") {">" if forward else "<"} '
            names_where += "(CAST(%s AS real), %s)"
            names_params += [self.terms.value, value, pk]
            if value >= self.OTHERS:
                others_where += f' AND {table}."id" {">" if forward else "<"} %s'
                others_params.append(pk)
            elif not forward:
                others = False  # the anchor is a name match: every other match comes after
        tie = f'({table}."id"::float8 <-> 0::float8)' if walk else f'{table}."id"{way}'
        end = offset + limit
        # Safe (here and below): constant SQL and the search's compiled conditions; values
        # are parameters.
        arms = [
            f'(SELECT {table}."id" AS pk, {distance} AS rank FROM {table} '  # noqa: S608
            f"WHERE {names_where} ORDER BY 2{way}, {tie} LIMIT %s)"
        ]
        params = [self.terms.value, *names_params, end]
        if others:
            arms.append(
                f'(SELECT {table}."id" AS pk, CAST(1 AS real) AS rank FROM {table} '  # noqa: S608
                f"WHERE {others_where} ORDER BY 1{way} LIMIT %s)"
            )
            params += [*others_params, end]
        sql = (
            f"SELECT pk FROM ({' UNION ALL '.join(arms)}) AS ranked "  # noqa: S608
            f"ORDER BY rank{way}, pk{way} LIMIT %s OFFSET %s"
        )
        return RawSQL(sql, [*params, limit, offset])  # noqa: S611


_IDS_MARK, _RANK_MARK = "__page_ids__", "__search_rank__"
_ranked_pages: dict[tuple[str, ...], tuple[str, list[str], dict]] = {}


def _ranked_page_sql(columns: tuple[str, ...]) -> tuple[str, list[str], dict]:
    """A ranked page's query for these columns (`load_rows` of the page's ids in rank order),
    compiled once per set of columns: marks stand for the ids' and the rank's SQL, which only
    Relevance writes. Returns the SQL, the names of the values it selects and the fields'
    converters of those values (by position)."""
    found = _ranked_pages.get(columns)
    if found is None:
        names = ["pk", *_names(list(columns))]
        queryset = (
            Customer.objects.filter(pk__in=RawSQL(_IDS_MARK, []))  # noqa: S611 (a mark)
            .annotate(search_rank=RawSQL(_RANK_MARK, [], output_field=FloatField()))  # noqa: S611
            .order_by("search_rank", "pk")
            .values(*names)
        )
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        # Filled in as written: the ids (WHERE) before the rank (ORDER BY), each once.
        assert not params and sql.count(_IDS_MARK) == sql.count(_RANK_MARK) == 1
        assert sql.index(_IDS_MARK) < sql.index(_RANK_MARK)
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        found = _ranked_pages[columns] = (sql, names, converters)
    return found


def seek(order, *, per_page: int, params) -> SeekPage:
    """The page asked for by `?after=<id>`, `?before=<id>`, `?last=1` or `?page=<n>`.

    `order` (ColumnOrder or Relevance) loads the page's rows, in the list's order. A constant
    number of queries: the page (one more row tells whether another follows) and, when paging
    from a row, that row's sort value.
    """
    after, before = _int(params.get("after")), _int(params.get("before"))
    anchor_pk = after or before
    if anchor_pk:
        anchor = order.anchor(anchor_pk)
        if anchor:
            if after:
                found = order.rows(anchor=(anchor[0], anchor_pk), limit=per_page + 1)
                if found or not order.missing(anchor_pk):
                    return SeekPage(
                        found[:per_page],
                        per_page,
                        has_previous=True,
                        has_next=len(found) > per_page,
                        is_first=False,
                        is_last=len(found) <= per_page,
                    )
            # Read backwards from the anchor; the rows come back in list order.
            found = order.rows(anchor=(anchor[0], anchor_pk), forward=False, limit=per_page + 1)
            if len(found) > per_page:
                return SeekPage(
                    found[1:],
                    per_page,
                    has_previous=True,
                    has_next=True,
                    is_first=False,
                    is_last=False,
                )
            # Fewer than a page before the anchor (or no such row): the start of the list.
    if params.get("last") and not anchor_pk:
        found = order.rows(forward=False, limit=per_page + 1)
        more = len(found) > per_page
        return SeekPage(
            found[1:] if more else found,
            per_page,
            has_previous=more,
            has_next=False,
            is_first=not more,
            is_last=True,
        )
    # Numbered pages still work (bookmarks, old links); the page's own links then seek.
    number = 1 if anchor_pk else (_int(params.get("page")) or 1)
    offset = (number - 1) * per_page
    found = order.rows(offset=offset, limit=per_page + 1)
    if not found and number > 1:
        offset, found = 0, order.rows(limit=per_page + 1)
    return SeekPage(
        found[:per_page],
        per_page,
        has_previous=offset > 0,
        has_next=len(found) > per_page,
        is_first=offset == 0,
        is_last=len(found) <= per_page,
    )
