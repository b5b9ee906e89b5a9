"""The one scoping mechanism of the portal: every view knows the signed-in user's customer."""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.urls import reverse_lazy


def portal_customer(user):
    """The customer a portal user belongs to, or None."""
    if not getattr(user, "is_portal_user", False):
        return None
    contact = getattr(user, "contact", None)
    if contact is None or not contact.customer.is_active:
        return None
    return contact.customer


class PortalRequiredMixin(UserPassesTestMixin):
    """Anonymous visitors go to the portal login; staff and orphan logins get 403."""

    login_url = reverse_lazy("portal:login")

    def test_func(self) -> bool:
        self.customer = portal_customer(self.request.user)
        return self.customer is not None

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)
