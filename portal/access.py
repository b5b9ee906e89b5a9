"""The one scoping mechanism of the portal: every view knows the signed-in user's customer.

Every portal page view subclasses `PortalView` (or uses `PortalRequiredMixin`): it resolves the
user's customer once, refuses anyone without one, checks the page's area, and offers `scoped()`
so that every query starts from that customer. Objects are looked up through `scoped()`, so a
foreign id is simply not found (404), exactly like a missing one.

The user's portal context (contact, customer, advisor, portal access, areas) is read in one
query per request (`portal_context`) and kept on the request, so no page reads it twice. Its SQL
is compiled once per process (`compiled_sql.py`): building that query through the ORM cost about
9 ms a request against 0.2 ms to run it (bench/RESULTS.md, issue 14).
"""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from customers.models import Contact, Customer

from .compiled_sql import compiled_user_sql
from .models import Area, PortalAccess

# What each area grants: permissions of the `portal` app (PortalAccess.Meta.permissions).
AREA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Area.QUOTATIONS: ("view_quotations",),
    Area.ORDERS: ("view_orders", "place_orders"),
    Area.INVOICES: ("view_invoices", "upload_payments"),
    Area.STATEMENTS: ("view_statements",),
    Area.CANCELLATIONS: ("request_cancellations",),
    Area.CONTACTS: ("manage_contacts",),
}
# The permission that opens an area's pages.
AREA_KEY_PERMISSION = {area: f"portal.{perms[0]}" for area, perms in AREA_PERMISSIONS.items()}
# What a new portal user gets unless staff choose otherwise; the company's own applicant
# also manages contacts.
DEFAULT_AREAS = (Area.QUOTATIONS, Area.ORDERS, Area.INVOICES, Area.STATEMENTS, Area.CANCELLATIONS)
GROUP_PREFIX = "portal:"
# The page each area opens with, its icon and its short name in the navigation bar.
AREA_PAGES = {
    Area.QUOTATIONS: ("portal:quotations", "file-earmark-text", _("Quotations")),
    Area.ORDERS: ("portal:orders", "cart3", _("Orders")),
    Area.INVOICES: ("portal:invoices", "receipt", _("Invoices & payments")),
    Area.STATEMENTS: ("portal:statements", "journal-text", _("Statements")),
    Area.CANCELLATIONS: ("portal:cancellations", "x-octagon", _("Cancellations")),
    Area.CONTACTS: ("portal:contact-list", "people", _("Contacts")),
}


def area_group(area: str) -> Group:
    """The auth group that stands for an area, holding exactly that area's permissions."""
    group, _created = Group.objects.get_or_create(name=f"{GROUP_PREFIX}{area}")
    wanted = set(
        Permission.objects.filter(
            content_type__app_label="portal", codename__in=AREA_PERMISSIONS[area]
        )
    )
    if set(group.permissions.all()) != wanted:
        group.permissions.set(wanted)
    return group


def areas_of(user) -> list[str]:
    """The areas a user holds, in the order of `Area`."""
    names = {g.name.removeprefix(GROUP_PREFIX) for g in user.groups.all()}
    return [area for area in Area.values if area in names]


def has_area(user, area: str) -> bool:
    return user.has_perm(AREA_KEY_PERMISSION[area])


def portal_customer(user):
    """The customer a portal user belongs to, or None."""
    if not getattr(user, "is_portal_user", False):
        return None
    contact = getattr(user, "contact", None)
    if contact is None or not contact.customer.is_active:
        return None
    return contact.customer


@dataclass(frozen=True)
class NavArea:
    """An area in the portal navigation, with how many items wait on the user there."""

    key: str
    label: str
    url: str
    icon: str
    short: str
    waiting: int


@dataclass(frozen=True)
class PortalContext:
    """Who is signed in to the portal, loaded once per request."""

    contact: Contact
    customer: object
    areas: tuple[str, ...]


def _columns(model, prefix: str = "") -> list[str]:
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


def _context_query(_customer, user, _today) -> QuerySet:
    """The portal user's contact, customer, advisor, portal access and group memberships, as one
    row of plain columns (so its SQL can be compiled once: `compiled_user_sql`)."""
    User = get_user_model()
    memberships = User.groups.through.objects.filter(user=OuterRef("user_id"))
    area_groups = [f"{GROUP_PREFIX}{area}" for area in Area.values]
    return Contact.objects.filter(user_id=user.pk).values_list(
        *_columns(Contact),
        *_columns(Customer, "customer__"),
        *_columns(User, "customer__advisor__"),
        *_columns(PortalAccess, "user__portal_access__"),
        *(Exists(memberships.filter(group__name=f"{GROUP_PREFIX}{area}")) for area in Area.values),
        Exists(memberships.exclude(group__name__in=area_groups)),
        Exists(User.user_permissions.through.objects.filter(user=OuterRef("user_id"))),
    )


@functools.cache
def _converters(model, vendor: str) -> list[tuple]:
    """Per column, what the ORM would convert a raw value with (e.g. a phone number or, on
    SQLite, a date); kept per model and database vendor."""
    columns = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        convert = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        columns.append((column, tuple(convert)))
    return columns


def _instance(model, values: list):
    """A model instance from its raw columns, or None for an outer join that found no row."""
    if values[0] is None:  # the primary key comes first
        return None
    converted = []
    for (column, converters), value in zip(
        _converters(model, connection.vendor), values, strict=True
    ):
        for convert in converters:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, _columns(model), converted)


def _load_portal_context(user) -> PortalContext | None:
    if not getattr(user, "is_portal_user", False) or not user.is_active:
        return None
    User = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(*compiled_user_sql(("portal context",), _context_query, user))
        row = cursor.fetchone()
    if row is None:
        User.contact.related.set_cached_value(user, None)
        return None
    row = list(row)
    parts = []
    for model in (Contact, Customer, User, PortalAccess):
        width = len(model._meta.concrete_fields)
        parts.append(row[:width])
        row = row[width:]
    contact, customer, advisor, access = (
        _instance(model, values)
        for model, values in zip((Contact, Customer, User, PortalAccess), parts, strict=True)
    )
    *holds, other_groups, own_permissions = row
    # Hand what was read to the request's user, so `user.contact`, `user.portal_access`,
    # `contact.user`, `contact.customer` and `customer.advisor` cost nothing later.
    Customer.advisor.field.set_cached_value(customer, advisor)
    Contact.customer.field.set_cached_value(contact, customer)
    Contact.user.field.set_cached_value(contact, user)
    User.contact.related.set_cached_value(user, contact)
    User.portal_access.related.set_cached_value(user, access)
    if access is not None:
        PortalAccess.user.field.set_cached_value(access, user)
    if not customer.is_active:
        return None
    areas = tuple(area for area, held in zip(Area.values, holds, strict=True) if held)
    if not (other_groups or own_permissions or user.is_superuser):
        # The area groups hold exactly AREA_PERMISSIONS (`area_group` keeps them so): the
        # areas are the user's permissions, and `has_perm` needs no query of its own.
        permissions = {f"portal.{name}" for area in areas for name in AREA_PERMISSIONS[area]}
        user._user_perm_cache = set()
        user._group_perm_cache = permissions
        user._perm_cache = permissions
    return PortalContext(contact=contact, customer=customer, areas=areas)


def portal_context(request) -> PortalContext | None:
    """The signed-in portal user's context, read once per request; None for anyone else."""
    if not hasattr(request, "_portal_context"):
        request._portal_context = _load_portal_context(request.user)
    return request._portal_context


class PortalRequiredMixin(UserPassesTestMixin):
    """Anonymous visitors go to the portal login; staff, orphan logins and missing areas: 403."""

    login_url = reverse_lazy("portal:login")
    area: str | None = None  # the area this page belongs to, if any
    nav = ""

    def test_func(self) -> bool:
        self.portal = portal_context(self.request)
        if self.portal is None:
            return False
        self.customer = self.portal.customer
        self.contact = self.portal.contact
        if self.area and not has_area(self.request.user, self.area):
            raise PermissionDenied("This part of the portal is not open to you.")
        return True

    def scoped(self, queryset: QuerySet, field: str = "customer") -> QuerySet:
        """Only the rows that belong to the signed-in user's customer."""
        return queryset.filter(**{field: self.customer})

    def waiting_counts(self) -> dict[str, int]:
        """What waits on the user, per kind (portal/todo.py): one query, once per request."""
        from .todo import waiting_counts  # todo builds on the order views, which build on this

        request = self.request
        if not hasattr(request, "_portal_waiting"):
            request._portal_waiting = waiting_counts(self.customer, request.user, self.portal.areas)
        return request._portal_waiting

    def get_context_data(self, **kwargs):
        from .todo import KIND_AREAS

        counts = self.waiting_counts()
        per_area = {area: 0 for area in self.portal.areas}
        for kind, count in counts.items():
            per_area[KIND_AREAS[kind]] += count
        return super().get_context_data(
            customer=self.customer,
            contact=self.contact,
            nav=kwargs.pop("nav", self.nav),
            granted_areas=[
                NavArea(area, Area(area).label, reverse(url_name), icon, short, per_area[area])
                for area in self.portal.areas
                for url_name, icon, short in [AREA_PAGES[area]]
            ],
            **kwargs,
        )


class PortalView(PortalRequiredMixin, TemplateView):
    """A portal page: signed in, scoped to the user's customer, limited to its area."""
