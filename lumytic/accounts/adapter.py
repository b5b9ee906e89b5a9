from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from notifications.services import Recipient, notify

from .links import set_password_link


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

    def send_password_reset_mail(self, user, email, context) -> None:
        # allauth's link in `context` is dropped: the outbox mints one bound to its own row.
        notify(
            "password_reset",
            recipients=[Recipient.from_user(user)],
            secret_link=set_password_link(user),
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix == "account/email/unknown_account":
            # Same path as every other email, so the Outbox shows reset requests of any kind.
            notify("password_reset_unknown", recipients=[Recipient(email=email, side="portal")])
            return
        super().send_mail(template_prefix, email, context)
