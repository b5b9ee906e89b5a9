"""Who may open a back-office page: active staff users holding the page's permissions.

Anonymous users get the login page; portal users and staff without the permission get 403
(404 for customers' files, so a file's existence is never confirmed). Every office view names
its permissions (the staff roles that hold them are in lumytic/accounts/roles.py);
tests/lumytic/test_permissions_matrix.py fails for an office URL it doesn't know.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lumytic.accounts import roles


def is_office_user(user) -> bool:
    return bool(getattr(user, "is_sales_staff", False))


def _as_tuple(perms) -> tuple[str, ...]:
    if perms is None:
        return ()
    return (perms,) if isinstance(perms, str) else tuple(perms)


def has_office_perms(user, perms) -> bool:
    """An active staff user holding every one of ``perms`` (a name or several)."""
    return is_office_user(user) and user.has_perms(_as_tuple(perms))


def require_perm(by, perm: str) -> None:
    """Refuse a service call made by a person without ``perm``; ``by=None`` is the system."""
    if by is not None and not by.has_perm(perm):
        raise PermissionDenied(perm)


def require_office_perm(by, perm: str) -> None:
    """Like require_perm, for a service the portal shares: a staff caller needs ``perm``; a
    customer's user is held by the portal's own access areas."""
    if is_office_user(by):
        require_perm(by, perm)


def stored_user(by):
    """`by` as a row records who acted (created_by, decided_by, ...): None for the system
    (``by=None``) and for anyone who is not a saved user."""
    return by if getattr(by, "pk", None) else None


def may_grant_credit(by, amount) -> bool:
    """Whether ``by`` may create or apply a credit of ``amount`` (in the credit's own currency):
    above CREDIT_APPROVAL_THRESHOLD it takes a manager; ``by=None`` is the system."""
    return (
        by is None
        or amount <= settings.CREDIT_APPROVAL_THRESHOLD
        or by.has_perm(roles.APPROVE_LARGE_CREDIT)
    )


def large_credit_message(currency: str) -> str:
    return _(
        "A credit above %(threshold)s %(currency)s needs a sales manager: ask one to record it."
    ) % {"threshold": settings.CREDIT_APPROVAL_THRESHOLD, "currency": currency}


def sees_only_own_customers(user) -> bool:
    """Whether this user's customer lists and pages are limited to the customers they advise."""
    return settings.ADVISOR_SEES_OWN_CUSTOMERS_ONLY and not user.has_perm(roles.VIEW_ALL_CUSTOMERS)


class StaffRequiredMixin(UserPassesTestMixin):
    """Staff only, with ``permission_required`` for every method and ``post_permission_required``
    in addition for POST. A view that names no permission is refused (default deny); a page open
    to every staff member says so with ``permission_required = ()``.
    """

    raise_exception = False  # anonymous users go to the login page; others get 403
    permission_required: str | tuple[str, ...] | None = None
    post_permission_required: str | tuple[str, ...] | None = None

    def required_permissions(self) -> tuple[str, ...] | None:
        if self.permission_required is None:
            return None
        perms = _as_tuple(self.permission_required)
        if self.request.method == "POST":
            perms += _as_tuple(self.post_permission_required)
        return perms

    def test_func(self) -> bool:
        perms = self.required_permissions()
        return perms is not None and has_office_perms(self.request.user, perms)


def _staff_gate(perms: tuple[str, ...], refusal: type[Exception]):
    if not perms or any(callable(perm) for perm in perms):
        raise TypeError("Name the permissions: @staff_required('app.codename').")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_office_user(request.user):
                raise refusal
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_required(*perms: str):
    """The function-view twin of StaffRequiredMixin: ``@staff_required("app.codename")``."""
    return _staff_gate(perms, PermissionDenied)


def staff_file(*perms: str):
    """A customer's file for staff: anyone else signed in gets 404, so the file's existence is
    never confirmed to them (a portal user's foreign id is 404 everywhere); staff without the
    permission get 403 like on every office page."""
    return _staff_gate(perms, Http404)
