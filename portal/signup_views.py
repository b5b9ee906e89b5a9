"""Public self-signup: a company asks for a portal account; staff review it in the office."""

from allauth.core import ratelimit
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .services.access import PortalError
from .services.registrations import submit_registration
from .signup_forms import SignupForm

RATE_LIMIT_ACTION = "portal_signup"
SESSION_EMAIL = "portal_signup_email"


class SignupView(View):
    """The registration form; a valid request is stored pending and both sides are emailed."""

    template_name = "portal/signup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(SignupForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        # Every attempt counts, so neither spam nor probing for known emails can run fast.
        if not ratelimit.consume(request, action=RATE_LIMIT_ACTION):
            return self.render(None, status=429, limited=True)
        form = SignupForm(request.POST, request.FILES)
        if form.is_bot:
            return redirect("portal:signup-done")  # pretend success, store nothing
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render(form, status=400)
        try:
            registration = submit_registration(
                language=translation.get_language() or "", **form.applicant_fields()
            )
        except PortalError as error:
            form.add_error("email", str(error))
            messages.error(request, _("Please correct the errors below."))
            return self.render(form, status=400)
        request.session[SESSION_EMAIL] = registration.email
        return redirect("portal:signup-done")

    def render(self, form, status: int = 200, limited: bool = False) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "limited": limited},
            status=status,
        )


class SignupDoneView(TemplateView):
    """Thank the applicant and say what happens next."""

    template_name = "portal/signup_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.request.session.pop(SESSION_EMAIL, ""), **kwargs)
