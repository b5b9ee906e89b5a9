"""Portal queries compiled once per process, run with each request's own values.

The to-do counts run on every portal page and the to-do items on the home. Building and compiling
those querysets through the ORM cost more than running them: for a customer with 200 orders the
counts took about 43 ms a request in Python against about 7 ms with the SQL compiled once
(bench/RESULTS.md, issue 14). So each shape of query (which kinds, "only my own orders" or not,
the database and time zone) is compiled once with stand-in values for the customer, the user and
the day, and each request runs that SQL text with its own values. Only SQL text is kept: every
count and row is read fresh on every request.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from customers.models import Customer

from .models import PortalAccess

# The stand-ins a query shape is compiled with (see the module's docstring).
STAND_IN_CUSTOMER = -917_000_001
STAND_IN_USER = -917_000_002
STAND_IN_DAY = date(1901, 1, 1)
_compiled: dict[tuple, tuple[str, tuple]] = {}


def _own_orders_only(user) -> bool:
    access = getattr(user, "portal_access", None)
    return bool(access is not None and access.own_orders_only)


def compiled_sql(shape: tuple, build, customer, user) -> tuple[str, list]:
    """The SQL of `build(customer, user, today)` and this request's parameters."""
    own_only = _own_orders_only(user)
    return _compiled_with_values(
        (shape, own_only), build, customer, user, PortalAccess(own_orders_only=own_only)
    )


def compiled_user_sql(shape: tuple, build, user) -> tuple[str, list]:
    """The SQL of `build(None, user, today)` for a query that depends on the user alone (it may
    not read the user's portal access: that is what such a query loads)."""
    return _compiled_with_values((shape, None), build, None, user, None)


def _compiled_with_values(shape, build, customer, user, access) -> tuple[str, list]:
    zone = timezone.get_current_timezone_name()  # dates are truncated in it
    key = (connection.vendor, zone, shape)
    if key not in _compiled:
        stand_in = get_user_model()(pk=STAND_IN_USER)
        if access is not None:
            type(stand_in).portal_access.related.set_cached_value(stand_in, access)
        queryset = build(Customer(pk=STAND_IN_CUSTOMER), stand_in, STAND_IN_DAY)
        sql, params = queryset.query.sql_with_params()
        wanted = STAND_IN_USER if customer is None else STAND_IN_CUSTOMER
        if wanted not in params:  # never expected: then this shape is not reusable
            return build(customer, user, timezone.localdate()).query.sql_with_params()
        _compiled[key] = (sql, params)
    sql, params = _compiled[key]
    today = timezone.localdate()
    values = {
        STAND_IN_CUSTOMER: getattr(customer, "pk", None),
        STAND_IN_USER: user.pk,
        STAND_IN_DAY: today,
        # SQLite's driver takes dates as ISO text, so the stand-in day arrives as text there.
        STAND_IN_DAY.isoformat(): today.isoformat(),
    }
    return sql, [values.get(param, param) if _is_stand_in(param) else param for param in params]


def _is_stand_in(param) -> bool:
    return isinstance(param, int | date | str) and not isinstance(param, bool)
