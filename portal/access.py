"""The one scoping mechanism of the portal: every view knows the signed-in user's customer.

Every portal page view subclasses `PortalView` (or uses `PortalRequiredMixin`): it resolves the
user's customer once, refuses anyone without one, checks the page's area, and offers `scoped()`
so that every query starts from that customer. Objects are looked up through `scoped()`, so a
foreign id is simply not found (404), exactly like a missing one.
"""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .models import Area

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


class PortalRequiredMixin(UserPassesTestMixin):
    """Anonymous visitors go to the portal login; staff, orphan logins and missing areas: 403."""

    login_url = reverse_lazy("portal:login")
    area: str | None = None  # the area this page belongs to, if any
    nav = ""

    def test_func(self) -> bool:
        self.customer = portal_customer(self.request.user)
        if self.customer is None:
            return False
        self.contact = self.request.user.contact
        if self.area and not has_area(self.request.user, self.area):
            raise PermissionDenied("This part of the portal is not open to you.")
        return True

    def scoped(self, queryset: QuerySet, field: str = "customer") -> QuerySet:
        """Only the rows that belong to the signed-in user's customer."""
        return queryset.filter(**{field: self.customer})

    def get_context_data(self, **kwargs):
        granted = areas_of(self.request.user)
        return super().get_context_data(
            customer=self.customer,
            contact=self.contact,
            nav=kwargs.pop("nav", self.nav),
            granted_areas=[
                (area, Area(area).label, reverse(url_name), icon, short)
                for area in granted
                for url_name, icon, short in [AREA_PAGES[area]]
            ],
            **kwargs,
        )


class PortalView(PortalRequiredMixin, TemplateView):
    """A portal page: signed in, scoped to the user's customer, limited to its area."""
