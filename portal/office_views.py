"""Back-office pages of the portal app: a customer's Portal tab, invitations and access."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Contact
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import staff_required
from lumytic.core.steps import run_step

from .access import areas_of
from .forms import InviteForm, PortalAccessForm
from .models import Area, Invitation, PortalAccess
from .services.access import (
    PortalError,
    send_set_password_email,
    set_portal_access,
    set_portal_login_active,
)
from .services.invitations import invite_to_portal, resend_invitation, revoke_invitation


def _tab(pk: int) -> str:
    return reverse("portal_office:customer-portal", args=[pk])


class PortalTab(CustomerTabView):
    """Who at this customer can use the portal, what they may see, and open invitations."""

    permission_required = roles.VIEW_CUSTOMER
    post_permission_required = roles.MANAGE_PORTAL_ACCESS

    tab = "portal"
    tab_template = "portal/office/customer_portal_tab.html"

    def get_tab_context(self, customer) -> dict:
        contacts = list(
            customer.contacts.select_related("user", "user__portal_access").prefetch_related(
                Prefetch("user__groups")
            )
        )
        logins = [c for c in contacts if c.user_id]
        for contact in logins:
            contact.areas = [Area(area).label for area in areas_of(contact.user)]
        return {
            "logins": logins,
            "without_login": [c for c in contacts if not c.user_id],
            "invitations": list(
                customer.invitations.filter(accepted_at=None, revoked_at=None).select_related(
                    "contact", "invited_by"
                )
            ),
            "invite_form": InviteForm(),
        }

    def post(self, request, *args, **kwargs):
        self.customer = self.get_customer()
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = invite_to_portal(
                    customer=self.customer, by=request.user, **form.cleaned_data
                )
            except PortalError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect(_tab(self.customer.pk))
        return self.invalid(invite_form=form)


def _contact(pk: int, contact_pk: int) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("customer", "user"), pk=contact_pk, customer_id=pk
    )


@staff_required(roles.VIEW_CUSTOMER, roles.MANAGE_PORTAL_ACCESS)
def contact_access(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Choose the areas and the order visibility of a contact's portal login."""
    contact = _contact(pk, contact_pk)
    if not contact.user_id:
        messages.error(request, _("This contact has no portal login. Invite them first."))
        return redirect(_tab(pk))
    access = PortalAccess.objects.filter(user=contact.user).first()
    initial = {
        "areas": areas_of(contact.user),
        "own_orders_only": bool(access and access.own_orders_only),
    }
    form = PortalAccessForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            set_portal_access(contact=contact, by=request.user, **form.cleaned_data)
            messages.success(request, _("Portal access for %(name)s is saved.") % {"name": contact})
            return redirect(_tab(pk))
        status = 400
    else:
        status = 200
    return render(
        request,
        "portal/office/contact_access.html",
        {"form": form, "contact": contact, "customer": contact.customer, "nav": "customers"},
        status=status,
    )


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.MANAGE_PORTAL_ACCESS)
def contact_login_active(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Disable a contact's portal login, or enable it again."""
    contact = _contact(pk, contact_pk)
    active = request.POST.get("active") == "1"
    text = _("%(name)s can sign in again.") if active else _("%(name)s can no longer sign in.")
    run_step(
        request,
        set_portal_login_active,
        text % {"name": contact},
        refused=PortalError,
        contact=contact,
        active=active,
    )
    return redirect(_tab(pk))


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.MANAGE_PORTAL_ACCESS)
def contact_set_password(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Email a contact a link to set their portal password."""
    contact = _contact(pk, contact_pk)
    run_step(
        request,
        send_set_password_email,
        _("A set-password link is on its way to %(email)s.") % {"email": contact.user},
        refused=PortalError,
        contact=contact,
    )
    return redirect(_tab(pk))


def _invitation_step(request, pk: int, invitation_pk: int, step, done: str) -> HttpResponse:
    """Resend or withdraw one of the customer's invitations; `done` names its email."""
    invitation = get_object_or_404(Invitation, pk=invitation_pk, customer_id=pk)
    run_step(
        request,
        step,
        done % {"email": invitation.email},
        refused=PortalError,
        invitation=invitation,
    )
    return redirect(_tab(pk))


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.MANAGE_PORTAL_ACCESS)
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Send an invitation again with a new link; the old link stops working."""
    done = _("The invitation to %(email)s is sent again.")
    return _invitation_step(request, pk, invitation_pk, resend_invitation, done)


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.MANAGE_PORTAL_ACCESS)
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Withdraw an invitation; its link stops working."""
    done = _("The invitation to %(email)s is withdrawn.")
    return _invitation_step(request, pk, invitation_pk, revoke_invitation, done)
