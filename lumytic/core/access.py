"""Who may open the back-office: active staff users. Portal users get 403, anonymous a login."""

from django.contrib.auth.mixins import UserPassesTestMixin


def is_office_user(user) -> bool:
    return bool(getattr(user, "is_sales_staff", False))


class StaffRequiredMixin(UserPassesTestMixin):
    raise_exception = False  # anonymous users go to the login page; others get 403

    def test_func(self) -> bool:
        return is_office_user(self.request.user)
