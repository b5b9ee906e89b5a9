"""The customer list: its columns, filters and sort orders (shared by the page and its export)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Contact, Customer, CustomerGroup, ListPreference, Tag

LIST_KEY = "customers"


def _primary(customer: Customer) -> Contact | None:
    contacts = getattr(customer, "primary_contacts", None)
    return contacts[0] if contacts else None


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: Any
    order_by: str  # a field or an annotation added by `sortable()`
    value: Callable[[Customer], Any]
    default: bool = False


COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("number", _("Number"), "number", lambda c: c.number, default=True),
    ListColumn("name", _("Company"), "name", lambda c: c.name, default=True),
    ListColumn("type", _("Type"), "type", lambda c: c.get_type_display()),
    ListColumn("group", _("Group"), "group__name", lambda c: c.group, default=True),
    ListColumn("email", _("Email"), "email", lambda c: c.email, default=True),
    ListColumn("phone", _("Phone"), "phone", lambda c: c.phone or ""),
    ListColumn("country", _("Country"), "country", lambda c: c.country.name, default=True),
    ListColumn("city", _("City"), "billing_city", lambda c: c.billing_city),
    ListColumn(
        "contact", _("Primary contact"), "primary_contact_name", lambda c: _primary(c) or ""
    ),
    ListColumn(
        "advisor", _("Advisor"), "advisor__first_name", lambda c: c.advisor or "", default=True
    ),
    ListColumn("reseller", _("Reseller"), "reseller__name", lambda c: c.reseller or ""),
    ListColumn("tags", _("Tags"), "first_tag", lambda c: ", ".join(t.name for t in c.tags.all())),
    ListColumn("currency", _("Currency"), "default_currency", lambda c: c.default_currency),
    ListColumn("created", _("Created"), "created_at", lambda c: c.created_at.date().isoformat()),
    ListColumn(
        "active",
        _("Status"),
        "is_active",
        lambda c: _("Active") if c.is_active else _("Inactive"),
        default=True,
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = [c.key for c in COLUMNS if c.default]
DEFAULT_SORT = "name"


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Customer.Type.choices)
    group = django_filters.ModelChoiceFilter(
        label=_("Group"), queryset=CustomerGroup.objects.order_by("name")
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=countries)
    advisor = django_filters.ModelChoiceFilter(
        label=_("Advisor"),
        queryset=get_user_model().objects.filter(role="staff").order_by("first_name", "email"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="is_active",
        choices=[("yes", _("Active")), ("no", _("Inactive"))],
        method="filter_active",
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.order_by("name")
    )

    class Meta:
        model = Customer
        fields = ["q", "type", "group", "country", "advisor", "active", "tag"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        contact_match = Contact.objects.filter(customer=OuterRef("pk")).filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
        return queryset.filter(
            Q(name__icontains=value)
            | Q(number__iexact=value)
            | Q(email__icontains=value)
            | Q(phone__contains=value.replace(" ", ""))
            | Exists(contact_match)
        )

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


def sortable(queryset: QuerySet, key: str, descending: bool) -> QuerySet:
    """Order by one column (annotating it when it is not a plain field), then by id."""
    if key == "contact":
        primary = Contact.objects.filter(customer=OuterRef("pk"), is_primary=True)
        queryset = queryset.annotate(
            primary_contact_name=Subquery(primary.values("first_name")[:1])
        )
    elif key == "tags":
        queryset = queryset.annotate(first_tag=Min("tags__name"))
    field = F(BY_KEY[key].order_by)
    order = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return queryset.order_by(order, "-pk" if descending else "pk")


def with_columns(queryset: QuerySet, columns: list[str]) -> QuerySet:
    """Load what the visible columns need in a fixed number of queries."""
    queryset = queryset.select_related("group", "advisor")
    if "reseller" in columns:
        queryset = queryset.select_related("reseller")
    if "tags" in columns:
        queryset = queryset.prefetch_related("tags")
    if "contact" in columns:
        queryset = queryset.prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_primary=True),
                to_attr="primary_contacts",
            )
        )
    return queryset


def visible_columns(user) -> list[str]:
    pref = ListPreference.objects.filter(user=user, list_key=LIST_KEY).first()
    chosen = [key for key in (pref.columns if pref else []) if key in BY_KEY]
    return chosen or DEFAULT_COLUMNS


def remember_columns(*, user, columns: list[str]) -> list[str]:
    """Save a staff member's column choice for the customer list (the name always stays)."""
    chosen = [c.key for c in COLUMNS if c.key in set(columns) or c.key == "name"]
    ListPreference.objects.update_or_create(
        user=user, list_key=LIST_KEY, defaults={"columns": chosen}
    )
    return chosen
