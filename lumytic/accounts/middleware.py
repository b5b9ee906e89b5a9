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
    they are asked for a code. A session that has not passed the second factor a user has
    cannot change it either (or it could make itself new recovery codes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def office_prefixes(self) -> tuple[str, ...]:
        return (reverse("office:dashboard"), reverse("admin:index"))

    @cached_property
    def mfa_prefix(self) -> str:
        return reverse("mfa_index")

    @cached_property
    def mfa_entry_paths(self) -> frozenset[str]:
        names = ("mfa_authenticate", "mfa_reauthenticate", "mfa_reauthenticate_webauthn")
        return frozenset(reverse(name) for name in names)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        # A verified session costs no query; the checks below only run without one.
        if not request.user.is_authenticated or session_passed_mfa(request):
            return self.get_response(request)
        if path.startswith(self.office_prefixes) and mfa_required(request.user):
            factors = second_factor_types(request.user)
            if not factors:
                return self.send_to_setup(request)
            message = _("Confirm it is you with your second factor to open the back-office.")
            return self.ask_for_second_factor(
                request, factors, message, reverse("office:dashboard")
            )
        if path.startswith(self.mfa_prefix) and path not in self.mfa_entry_paths:
            factors = second_factor_types(request.user)
            if factors:
                message = _("Confirm it is you with your second factor to change how you sign in.")
                return self.ask_for_second_factor(request, factors, message, self.mfa_prefix)
        return self.get_response(request)

    def send_to_setup(self, request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            _(
                "Your role can confirm payments or manage portal access, so it needs "
                "two-factor sign-in. Set up an authenticator app or a security key to continue."
            ),
        )
        return redirect(request, reverse("mfa_index"))

    def ask_for_second_factor(
        self, request: HttpRequest, factors: set[str], message: str, fallback: str
    ) -> HttpResponse:
        messages.warning(request, message)
        # After the code, a GET goes on where it was going; a refused POST is not replayed.
        nxt = request.get_full_path() if request.method == "GET" else fallback
        view = (
            "mfa_reauthenticate"
            if Authenticator.Type.TOTP in factors
            else "mfa_reauthenticate_webauthn"
        )
        return redirect(request, f"{reverse(view)}?{urlencode({'next': nxt})}")


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    # This runs before django-htmx has tagged the request, so read the header itself.
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
