"""Lumytic's admin site: sign-in goes through allauth's rate-limited login."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lumytic.core.redirects import safe_next


class LumyticAdminSite(admin.AdminSite):
    site_header = _("Lumytic administration")
    site_title = _("Lumytic admin")
    index_title = _("Administration")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            # A signed-in user without admin access is refused, not sent to another login.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        nxt = safe_next(request, request.GET.get("next", ""), reverse("admin:index"))
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(nxt)
            raise PermissionDenied
        query = urlencode({"next": nxt})
        return redirect(f"{reverse('account_login')}?{query}")


class LumyticAdminConfig(AdminConfig):
    default_site = "lumytic.admin.LumyticAdminSite"
