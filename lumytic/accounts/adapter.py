from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Close open signup (customers apply through the portal) and send each role home."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        if getattr(request.user, "role", None) == "staff":
            return reverse("office:dashboard")
        return reverse("portal:home")

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        # A portal user's "next" may only point into the portal.
        portal = reverse("portal:home")
        if (
            redirect_url
            and user.role == "portal"
            and not urlsplit(redirect_url).path.startswith(portal)
        ):
            redirect_url = portal
        return super().post_login(request, user, redirect_url=redirect_url, **kwargs)
