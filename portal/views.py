"""Customer-facing pages. Every page view goes through `PortalView`, the one scoping mechanism."""

from allauth.account.views import LoginView
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from customers import tabs
from customers.models import Contact
from customers.services import (
    CustomerError,
    add_contact,
    delete_contact,
    update_contact,
)
from sales.models import Order

from .access import AREA_KEY_PERMISSION, PortalView, has_area
from .forms import CompanyDetailsForm, OwnDetailsForm, PortalContactForm, SetPasswordForm
from .models import Area
from .order_views import visible_orders
from .services.invitations import InvitationLinkError, accept_invitation, invitation_from_token
from .services.profile import update_company_details, update_own_details


class PortalLoginView(LoginView):
    """allauth's rate-limited login, in the portal's own look."""

    template_name = "portal/login.html"


class PortalHomeView(PortalView):
    template_name = "portal/home.html"
    nav = "home"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contacts"] = list(self.scoped(Contact.objects.all()))
        if has_area(self.request.user, Area.ORDERS):
            # Submitted but not yet confirmed: the customer's move (one COUNT query).
            orders = visible_orders(self.scoped(Order.objects.all()), self.request.user)
            context["orders_to_confirm"] = orders.filter(status=Order.Status.SUBMITTED).count()
        if has_area(self.request.user, Area.STATEMENTS):
            # The customer page's Summary balance: the same providers, so the same numbers.
            context["balance"] = tabs.combine_balance(tabs.summary_parts(self.customer))
        return context


class ProfileView(PortalView):
    """The user's own details, and the company's contact details."""

    template_name = "portal/profile.html"
    nav = "profile"

    def may_edit_company(self) -> bool:
        return self.request.user.has_perm(AREA_KEY_PERMISSION[Area.CONTACTS])

    def forms(self, data=None):
        own = OwnDetailsForm(data if data and "own" in data else None, instance=self.contact)
        company = CompanyDetailsForm(
            data if data and "company" in data else None, instance=self.customer
        )
        return own, company

    def get(self, request, *args, **kwargs):
        own, company = self.forms()
        return self.render(own, company)

    def post(self, request, *args, **kwargs):
        own, company = self.forms(request.POST)
        if "company" in request.POST:
            if not self.may_edit_company():
                raise PermissionDenied(_("Only users who manage company contacts can."))
            if company.is_valid():
                update_company_details(
                    customer=self.customer, by=request.user, **company.cleaned_data
                )
                messages.success(request, _("The company's details are saved."))
                return redirect("portal:profile")
        elif own.is_valid():
            update_own_details(contact=self.contact, by=request.user, **own.cleaned_data)
            messages.success(request, _("Your details are saved."))
            return redirect("portal:profile")
        messages.error(request, _("Please correct the errors below."))
        return self.render(own, company, status=400)

    def render(self, own, company, status: int = 200):
        context = self.get_context_data(
            own_form=own, company_form=company, may_edit_company=self.may_edit_company()
        )
        return self.render_to_response(context, status=status)


class ContactListView(PortalView):
    template_name = "portal/contact_list.html"
    area = Area.CONTACTS
    nav = Area.CONTACTS

    def get_context_data(self, **kwargs):
        contacts = self.scoped(Contact.objects.select_related("user"))
        return super().get_context_data(contacts=list(contacts), **kwargs)


class ContactFormView(PortalView):
    """Add a colleague as a contact, or edit one (area "manage company contacts")."""

    template_name = "portal/contact_form.html"
    area = Area.CONTACTS
    nav = Area.CONTACTS

    def get_object(self):
        pk = self.kwargs.get("contact_pk")
        return get_object_or_404(self.scoped(Contact.objects), pk=pk) if pk else None

    def get(self, request, *args, **kwargs):
        contact = self.get_object()
        return self.render(contact, PortalContactForm(instance=contact))

    def post(self, request, *args, **kwargs):
        contact = self.get_object()
        form = PortalContactForm(request.POST, instance=contact)
        if contact and contact.user_id:
            # The email is this person's sign-in name; only they and staff change it.
            form.fields["email"].disabled = True
        if not form.is_valid():
            return self.render(contact, form, status=400)
        if contact:
            update_contact(contact=contact, by=request.user, **form.cleaned_data)
            messages.success(request, _("The contact is saved."))
        else:
            add_contact(customer=self.customer, by=request.user, **form.cleaned_data)
            messages.success(request, _("The contact is added."))
        return redirect("portal:contact-list")

    def render(self, contact, form, status: int = 200):
        if contact and contact.user_id:
            form.fields["email"].disabled = True
        context = self.get_context_data(form=form, edited=contact)
        return self.render_to_response(context, status=status)


class ContactDeleteView(PortalView):
    area = Area.CONTACTS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        contact = get_object_or_404(self.scoped(Contact.objects), pk=kwargs["contact_pk"])
        try:
            delete_contact(contact=contact, by=request.user)
        except CustomerError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s is deleted.") % {"name": contact})
        return redirect("portal:contact-list")


class InvitationAcceptView(View):
    """Open to anyone holding a valid link: choose a password, then land in the portal."""

    template_name = "portal/invitation_accept.html"

    def dispatch(self, request, token: str):
        try:
            self.invitation = invitation_from_token(token)
        except InvitationLinkError as error:
            return render(request, "portal/invitation_invalid.html", {"reason": error}, status=410)
        return super().dispatch(request, token)

    def get(self, request, token: str):
        return self.render(SetPasswordForm(email=self.invitation.email))

    def post(self, request, token: str):
        form = SetPasswordForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["password1"])
        except InvitationLinkError as error:
            return render(request, "portal/invitation_invalid.html", {"reason": error}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your portal account is ready."))
        return redirect("portal:home")

    def render(self, form, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "invitation": self.invitation},
            status=status,
        )
