"""The back-office sidebar's links, in order, and the counts their badges show.

To add a link, add a NavLink here. A page marks its section with `nav` in its context (the link
whose `key` it is shows active). A link with a `count` shows it as a badge when it is not 0:
`count` names a context variable ("nav_counts.pis"), read on every request.

The app that owns the data registers each count as one scalar SQL SELECT (`register_count`,
from its AppConfig.ready()); `sidebar_counts()` runs them all as one query, so every office page
pays one round trip for every badge, whichever apps add them, and nothing is cached.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from lumytic.accounts import roles

# A count: () -> (a scalar SELECT, its parameters); tables are quoted by the caller.
CountQuery = Callable[[], tuple[str, list]]
_counts: dict[str, CountQuery] = {}


def register_count(key: str, query: CountQuery) -> None:
    _counts[key] = query


def sidebar_counts() -> dict[str, int]:
    """Every registered count, by key, in one query."""
    if not _counts:
        return {}
    parts = {key: query() for key, query in _counts.items()}
    sql = "SELECT " + ", ".join(f"({part})" for part, _params in parts.values())
    params = [param for _part, part_params in parts.values() for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(parts, row, strict=True))


@dataclass(frozen=True)
class NavLink:
    key: str
    url_name: str
    icon: str  # a Bootstrap Icons name
    label: Any
    count: str = ""
    count_title: Any = ""
    visible: Callable[[Any], bool] | None = None  # who sees it (default: every office user)
    permission: str = ""  # the permission its page needs (lumytic/accounts/roles.py)


OFFICE_NAV: tuple[NavLink, ...] = (
    NavLink("dashboard", "office:dashboard", "speedometer2", _("Dashboard")),
    NavLink(
        "inbox",
        "conversations:inbox",
        "inbox",
        _("Inbox"),
        count="nav_counts.inbox",
        count_title=_("conversations waiting for an answer"),
        permission=roles.VIEW_CONVERSATIONS,
    ),
    NavLink(
        "customers",
        "customers:customer-list",
        "building",
        _("Customers"),
        permission=roles.VIEW_CUSTOMER,
    ),
    NavLink(
        "registrations",
        "portal_office:registration-list",
        "person-plus",
        _("Registrations"),
        count="nav_counts.registrations",
        count_title=_("registration requests awaiting review"),
        permission=roles.REVIEW_REGISTRATIONS,
    ),
    NavLink(
        "quotation-list",
        "sales:quotation-list",
        "file-earmark-text",
        _("Quotations"),
        permission=roles.VIEW_QUOTATION,
    ),
    NavLink(
        "product-list",
        "sales:product-list",
        "box-seam",
        _("Products"),
        permission=roles.VIEW_PRODUCT,
    ),
    NavLink("order-list", "sales:order-list", "cart3", _("Orders"), permission=roles.VIEW_ORDER),
    NavLink(
        "pi-list",
        "sales:pi-list",
        "receipt",
        _("Proforma invoices"),
        count="nav_counts.pis",
        count_title=_("signed copies awaiting review"),
        permission=roles.VIEW_ORDER,
    ),
    NavLink(
        "payment-list",
        "sales:payment-list",
        "bank",
        _("Payments"),
        count="nav_counts.payments",
        count_title=_("payments awaiting review"),
        permission=roles.VIEW_ORDER,
    ),
    NavLink(
        "cancellation-list",
        "sales:cancellation-list",
        "x-octagon",
        _("Cancellations"),
        count="nav_counts.cancellations",
        count_title=_("cancellation orders to decide or review"),
        permission=roles.VIEW_ORDER,
    ),
    NavLink(
        "exchange",
        "sales:exchange",
        "currency-exchange",
        _("Currency exchange"),
        permission=roles.VIEW_RATES,
    ),
    NavLink(
        "outbox", "notifications:outbox-list", "envelope", _("Outbox"), permission=roles.VIEW_OUTBOX
    ),
)
