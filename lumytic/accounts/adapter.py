from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Close open signup (customers apply through the portal) and send each role home."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        user = request.user
        if getattr(user, "role", None) == "staff":
            return super().get_login_redirect_url(request)
        # A portal user never lands on a back-office "next" URL.
        nxt = request.POST.get("next") or request.GET.get("next") or ""
        if nxt.startswith(reverse("portal:home")):
            return super().get_login_redirect_url(request)
        return reverse("portal:home")
