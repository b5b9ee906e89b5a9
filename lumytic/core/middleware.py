"""Site-wide response handling Django's own middleware does not do: shared headers, and
form-only addresses opened with a GET."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


def permissions_policy_header(features: dict[str, list[str]]) -> str:
    """Spell `{"camera": [], "fullscreen": ["self"]}` as `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class SecurityHeadersMiddleware:
    """Send the Permissions-Policy, and keep every answer to a signed-in user out of caches.

    A signed-in page or download holds one customer's data: `no-store` keeps it out of shared
    proxies and out of the browser's disk and back/forward cache once the user signs out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class FormAddressMiddleware:
    """Send a GET for an address that only takes a form to the page that form belongs to.

    A form that fails is shown again, with its errors and a 400, at the address it was posted
    to. Reloading that page, or opening the address from the history, asks it with a GET; rather
    than a blank "method not allowed", the visitor lands on the nearest page above it (the order
    a payment proof was for, the ticket a reply was for).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 405
            and "POST" in response.get("Allow", "")
        ):
            page = page_above(request.path_info)
            if page is not None:
                messages.info(request, _("That address only takes a form; here is its page."))
                return redirect(request.META.get("SCRIPT_NAME", "").rstrip("/") + page)
        return response


def page_above(path: str) -> str | None:
    """The nearest address above ``path`` whose view answers GET, if any."""
    segments = path.strip("/").split("/")
    for end in range(len(segments) - 1, 0, -1):
        candidate = "/" + "/".join(segments[:end]) + "/"
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        view_class = getattr(match.func, "view_class", None)
        if view_class is None or (
            "get" in view_class.http_method_names and hasattr(view_class, "get")
        ):
            return candidate
    return None
