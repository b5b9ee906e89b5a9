"""Customer-facing pages. Every page view goes through `PortalView`, the one scoping mechanism."""

from dataclasses import dataclass

from allauth.account.views import LoginView
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from customers import tabs
from customers.forms import ContactForm
from customers.models import Contact
from customers.page_views import remove_contact, save_contact

from .access import AREA_KEY_PERMISSION, PortalView
from .forms import CompanyDetailsForm, OwnDetailsForm, SetPasswordForm
from .models import Area
from .services.invitations import InvitationLinkError, accept_invitation, invitation_from_token
from .services.profile import update_company_details, update_own_details
from .todo import KIND_AREAS, TodoItem, granted_kinds, totals_by_currency, waiting_items


class PortalLoginView(LoginView):
    """allauth's rate-limited login, in the portal's own look."""

    template_name = "portal/login.html"


HOME_ITEMS = 5  # items shown per kind; the area's list has the rest
HOME_CONTACTS = 5
# Where "see all" goes for each kind: the area's list, filtered to the waiting items if it can.
SEE_ALL = {
    "quotations": ("portal:quotations", "?status=sent"),
    "orders": ("portal:orders", "?status=submitted"),
    "pis": ("portal:invoices", ""),
    "memos": ("portal:invoices", ""),
    "due": ("portal:invoices", ""),
    "cancellations": ("portal:cancellations", ""),
}


@dataclass(frozen=True)
class TodoSection:
    kind: str
    count: int
    items: list[TodoItem]
    see_all: str
    totals: dict | None = None  # amounts due, per currency


class PortalHomeView(PortalView):
    """The user's to-do list: per granted area, what waits on them (portal/todo.py)."""

    template_name = "portal/home.html"
    nav = "home"

    def get_context_data(self, **kwargs):
        # Every waiting item in one query; the navigation's badges count the same rows, so
        # this page needs no counts query of its own.
        items = waiting_items(self.customer, self.request.user, granted_kinds(self.portal.areas))
        counts = {kind: len(kind_items) for kind, kind_items in items.items()}
        self.request._portal_waiting = counts
        context = super().get_context_data(**kwargs)
        sections: dict[str, list[TodoSection]] = {}
        for kind, count in counts.items():
            if not count:
                continue
            url_name, query = SEE_ALL[kind]
            kind_items = items.get(kind, [])
            sections.setdefault(KIND_AREAS[kind], []).append(
                TodoSection(
                    kind=kind,
                    count=count,
                    items=kind_items[:HOME_ITEMS],
                    see_all=reverse(url_name) + query if count > HOME_ITEMS else "",
                    totals=totals_by_currency(kind_items) if kind == "due" else None,
                )
            )
        context["todo"] = [(area, sections.get(area.key, [])) for area in context["granted_areas"]]
        contacts = list(self.scoped(Contact.objects.all())[: HOME_CONTACTS + 1])
        context["contacts"] = contacts[:HOME_CONTACTS]
        context["more_contacts"] = len(contacts) > HOME_CONTACTS
        context["may_manage_contacts"] = Area.CONTACTS in self.portal.areas
        if Area.STATEMENTS in self.portal.areas:
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
        return self.render(contact, ContactForm(instance=contact))

    def post(self, request, *args, **kwargs):
        contact = self.get_object()
        form = ContactForm(request.POST, instance=contact)
        if contact and contact.user_id:
            # The email is this person's sign-in name; only they and staff change it.
            form.fields["email"].disabled = True
        if not form.is_valid():
            return self.render(contact, form, status=400)
        save_contact(request, form, customer=self.customer, contact=contact)
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
        remove_contact(
            request, get_object_or_404(self.scoped(Contact.objects), pk=kwargs["contact_pk"])
        )
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
        return self.render(SetPasswordForm(email=self.invitation.email, user=self.invitee()))

    def post(self, request, token: str):
        form = SetPasswordForm(request.POST, email=self.invitation.email, user=self.invitee())
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            user = accept_invitation(token=token, password=form.cleaned_data["password1"])
        except InvitationLinkError as error:
            return render(request, "portal/invitation_invalid.html", {"reason": error}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your portal account is ready."))
        return redirect("portal:home")

    def invitee(self):
        """The login about to be created, so the password is checked against who they are."""
        contact = self.invitation.contact
        user = get_user_model()(
            email=self.invitation.email, first_name=contact.first_name, last_name=contact.last_name
        )
        user.password_company = self.invitation.customer.name
        return user

    def render(self, form, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "invitation": self.invitation},
            status=status,
        )
