"""The back-office sidebar's links, in order, and the counts their badges show.

Each app adds its links with `register_link` from its AppConfig.ready(), so this module names no
page of an app above it. A page marks its section with `nav` in its context (the link
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
    summary: Any = ""  # a link with a summary is also a tile on the dashboard


def may_open(link: NavLink, user) -> bool:
    """Whether the user sees the link: its page would not answer 403."""
    if link.visible is not None and not link.visible(user):
        return False
    return not (
        link.permission and hasattr(user, "has_perm") and not user.has_perm(link.permission)
    )


_links: dict[str, tuple[int, NavLink]] = {}


def register_link(link: NavLink, *, position: int) -> None:
    """Add a sidebar link (from the AppConfig.ready() of the app that serves its page)."""
    _links[link.key] = (position, link)


def office_links() -> tuple[NavLink, ...]:
    """The registered links, top to bottom."""
    return tuple(link for _position, link in sorted(_links.values(), key=lambda pair: pair[0]))


def register_core_links() -> None:
    register_link(
        NavLink("dashboard", "office:dashboard", "speedometer2", _("Dashboard")), position=0
    )
    # The outbox's pages are the notifications app's, which registers nothing (it is a leaf).
    register_link(
        NavLink(
            "outbox",
            "notifications:outbox-list",
            "envelope",
            _("Outbox"),
            permission=roles.VIEW_OUTBOX,
            summary=_("Every email Lumytic sends, and its delivery."),
        ),
        position=200,
    )
