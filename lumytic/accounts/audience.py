"""Who on the staff side receives an email: the people wanted, else someone (DESIGN.md §2).

A staff email is never addressed to nobody. When none of the wanted people is an active staff
member, it goes to the order owner, then to the sales-notification staff, then to the admins.
Every app below and above asks this one function; none keeps a fallback of its own.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from .models import User


def is_reachable_staff(user: Any) -> bool:
    """Tell whether a user is an active staff member with an address to write to."""
    return user is not None and bool(getattr(user, "is_sales_staff", False)) and bool(user.email)


def staff_audience(*, wanted: Iterable[Any] = (), owner: Any = None) -> list[User]:
    """Return the first non-empty of: the wanted active staff, the owner, the sales-notification
    staff, the admins (superusers and users with admin-site access)."""
    people, seen = [], set()
    for user in wanted:
        if is_reachable_staff(user) and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    if people:
        return people
    if is_reachable_staff(owner):
        return [owner]
    for tier in (
        User.objects.sales_team(),
        User.objects.staff().exclude(email="").filter(Q(is_superuser=True) | Q(is_staff=True)),
    ):
        people = list(tier.order_by("pk"))
        if people:
            return people
    return []
