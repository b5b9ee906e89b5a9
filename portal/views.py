from allauth.account.views import LoginView
from django.views.generic import TemplateView

from .access import PortalRequiredMixin


class PortalLoginView(LoginView):
    """allauth's rate-limited login, in the portal's own look."""

    template_name = "portal/login.html"


class PortalHomeView(PortalRequiredMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(nav="home", **kwargs)
        context["contacts"] = self.customer.contacts.all()
        return context
