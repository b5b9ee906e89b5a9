"""Two-factor sign-in: who must have a second factor, and whether this session passed one.

allauth's MFA app asks for the second factor at sign-in once a user has an authenticator. On top
of that, staff who can confirm payments or manage portal access (``MFA_REQUIRED_PERMISSIONS``)
must have one, and their session must have passed it, before they reach the back-office
(``MFARequiredMiddleware``).
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

# The user whose second factor this session has passed (sign-in, re-authentication or set-up).
VERIFIED_SESSION_KEY = "lumytic_mfa_verified_user"
# Recovery codes only back up one of these; on their own they are no second factor.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user) -> bool:
    """Whether this user must use a second factor for the back-office."""
    if not settings.MFA_REQUIRED or not getattr(user, "is_sales_staff", False):
        return False
    return any(user.has_perm(perm) for perm in settings.MFA_REQUIRED_PERMISSIONS)


def second_factor_types(user) -> set[str]:
    """The kinds of second factor this user has set up (app, key)."""
    return set(
        Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).values_list(
            "type", flat=True
        )
    )


def session_passed_mfa(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and request.session.get(VERIFIED_SESSION_KEY) == str(user.pk)


def mark_session_verified(request: HttpRequest | None, user) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[VERIFIED_SESSION_KEY] = str(user.pk)


def on_authenticator_used(sender, request, user, **kwargs) -> None:
    # Sign-in (code, recovery code or key) and re-authentication both prove the second factor.
    mark_session_verified(request, user)


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    # Adding an app or a key takes a valid code or a touch of the key: that proves it too.
    # Generating recovery codes proves nothing, so it does not count.
    if authenticator.type in SECOND_FACTORS:
        mark_session_verified(request, user)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # Drawn inline in the page (a data: image would need a looser Content-Security-Policy),
        # so drop the XML declaration that only a standalone file needs.
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg") :]

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff who must use a second factor cannot remove their last one."""
        if authenticator.type not in SECOND_FACTORS or not mfa_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=SECOND_FACTORS
        ).exclude(pk=authenticator.pk)
        return others.exists()
