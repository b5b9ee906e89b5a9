"""Who may open the back-office: active staff users. Portal users get 403, anonymous a login."""

from functools import wraps

from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def is_office_user(user) -> bool:
    return bool(getattr(user, "is_sales_staff", False))


class StaffRequiredMixin(UserPassesTestMixin):
    raise_exception = False  # anonymous users go to the login page; others get 403

    def test_func(self) -> bool:
        return is_office_user(self.request.user)


def staff_required(view):
    """The function-view twin of StaffRequiredMixin."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_office_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
