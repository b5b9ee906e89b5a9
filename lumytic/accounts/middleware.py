from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from lumytic.accounts.mfa import mfa_required, second_factor_types, session_passed_mfa


class MFARequiredMiddleware:
    """Keep staff who must use a second factor out of the back-office and the admin until their
    session has passed one: without an authenticator they are sent to set one up, with one
    they are asked for a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def guarded_prefixes(self) -> tuple[str, ...]:
        return (reverse("office:dashboard"), reverse("admin:index"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(self.guarded_prefixes)
            and request.user.is_authenticated
            # A verified session costs no query; the permission check only runs without one.
            and not session_passed_mfa(request)
            and mfa_required(request.user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        nxt = request.get_full_path() if request.method == "GET" else reverse("office:dashboard")
        factors = second_factor_types(request.user)
        if factors:
            messages.warning(
                request, _("Confirm it is you with your second factor to open the back-office.")
            )
            view = (
                "mfa_reauthenticate"
                if Authenticator.Type.TOTP in factors
                else "mfa_reauthenticate_webauthn"
            )
            url = f"{reverse(view)}?{urlencode({'next': nxt})}"
        else:
            messages.warning(
                request,
                _(
                    "Your role can confirm payments or manage portal access, so it needs "
                    "two-factor sign-in. Set up an authenticator app or a security key to "
                    "continue."
                ),
            )
            url = reverse("mfa_index")
        # This runs before django-htmx has tagged the request, so read the header itself.
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
