"""Who may open the back-office: active staff users. Portal users get 403 (404 for customers'
files), anonymous a login."""

from functools import wraps

from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404


def is_office_user(user) -> bool:
    return bool(getattr(user, "is_sales_staff", False))


class StaffRequiredMixin(UserPassesTestMixin):
    raise_exception = False  # anonymous users go to the login page; others get 403

    def test_func(self) -> bool:
        return is_office_user(self.request.user)


def _staff_gate(view, refusal: type[Exception]):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_office_user(request.user):
            raise refusal
        return view(request, *args, **kwargs)

    return wrapped


def staff_required(view):
    """The function-view twin of StaffRequiredMixin."""
    return _staff_gate(view, PermissionDenied)


def staff_file(view):
    """A customer's file for staff: anyone else signed in gets 404, so the file's existence is
    never confirmed to them (a portal user's foreign id is 404 everywhere)."""
    return _staff_gate(view, Http404)
