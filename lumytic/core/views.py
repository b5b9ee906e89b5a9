from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from lumytic.accounts import roles
from lumytic.core.pages import page_url

from .access import StaffRequiredMixin
from .nav import may_open, office_links


def home(request):
    """Send each person to their side; anonymous visitors choose where to sign in."""
    user = request.user
    if user.is_authenticated:
        if user.role == user.Role.STAFF:
            return redirect("office:dashboard")
        return redirect(page_url("customer-home") or "account_logout")
    return render(request, "core/home.html")


class DashboardView(StaffRequiredMixin, TemplateView):
    permission_required = ()  # every staff member has a dashboard
    template_name = "core/dashboard.html"
    extra_context = {"nav": "dashboard"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        names = roles.role_names(user)
        # The apps' sidebar links with a summary, as tiles (each app registers its own).
        tiles = [link for link in office_links() if link.summary and may_open(link, user)]
        return super().get_context_data(
            roles=[roles.ROLE_LABELS[name] for name in names], tiles=tiles, **kwargs
        )


class SectionView(StaffRequiredMixin, TemplateView):
    """A back-office section whose records arrive with a later module: a proper empty state."""

    template_name = "core/section_empty.html"
    permission_required = ()
    title = ""
    icon = "inbox"
    message = ""
    nav = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, icon=self.icon, message=self.message, nav=self.nav, **kwargs
        )
