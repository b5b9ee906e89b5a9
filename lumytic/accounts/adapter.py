from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.ratelimit import get_ip as ratelimit_address
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from lumytic.core.pages import page_url
from notifications.services import Recipient, notify

from .links import set_password_link


class AccountAdapter(DefaultAccountAdapter):
    """Close open signup (customers apply through the portal) and send each role home."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        if getattr(request.user, "role", None) == "staff":
            return reverse("office:dashboard")
        return page_url("customer-home") or "/"

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        # A portal user's "next" may only point into the portal.
        portal = page_url("customer-home") or "/"
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

    # --- Sign-in limits (ACCOUNT_RATE_LIMITS, TRUSTED_PROXY_COUNT) ---

    def get_client_ip(self, request) -> str:
        # A request that came past fewer proxies than configured is limited by its own address.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Failures count per client address (as the per-address limits see it: an IPv6 client's
        # whole /64) and account, so someone who knows a staff email locks out only their own
        # address, never the staff member signing in from elsewhere.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{ratelimit_address(request)}:{account}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(ratelimit.respond_429(request)) from error
            raise
