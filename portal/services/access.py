"""Portal logins: their areas, "only my own orders", disabling, set-password emails."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Contact
from customers.services import CustomerError, record_activity
from lumytic.accounts import roles
from lumytic.accounts.links import set_password_link
from lumytic.core.access import require_office_perm, require_perm
from notifications.services import Recipient, notify

from ..access import DEFAULT_AREAS, GROUP_PREFIX, area_group, areas_of
from ..models import Area, PortalAccess

# The email that gives a new portal user their set-password link says how the login came about.
APPROVED_SIGNUP = "registration_approved"
CREATED_BY_STAFF = "portal_account_created"


class PortalError(CustomerError):
    """A portal change the rules refuse; the message is for the user."""


def _login_of(contact: Contact):
    if not contact.user_id:
        raise PortalError(_("This contact has no portal login."))
    return contact.user


@transaction.atomic
def set_portal_access(
    *, contact: Contact, by, areas: Iterable[str], own_orders_only: bool | None = None
) -> PortalAccess:
    """Grant exactly these areas (and their permissions) to a contact's portal login."""
    require_perm(by, roles.MANAGE_PORTAL_ACCESS)
    user = get_user_model().objects.select_for_update().get(pk=_login_of(contact).pk)
    wanted = [area for area in Area.values if area in set(areas)]
    before = areas_of(user)
    keep = user.groups.exclude(name__startswith=GROUP_PREFIX)
    user.groups.set([*keep, *(area_group(area) for area in wanted)])
    access, _created = PortalAccess.objects.get_or_create(user=user)
    changes = {}
    if before != wanted:
        changes["areas"] = [", ".join(before), ", ".join(wanted)]
    if own_orders_only is not None and own_orders_only != access.own_orders_only:
        changes["own_orders_only"] = [access.own_orders_only, own_orders_only]
        access.own_orders_only = own_orders_only
        access.save(update_fields=["own_orders_only", "updated_at"])
    if changes:
        record_activity(
            actor=by,
            verb="portal access changed",
            target=contact,
            customer=contact.customer,
            details=changes,
        )
    # Django caches permissions on the user object; the next request reloads them.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return access


def create_portal_user(contact: Contact, *, email: str, password: str | None, language: str = ""):
    """The one way a portal login is made: the user, linked to its contact, with the usual
    areas. Callers check first that the contact has no login and the address is free."""
    user = get_user_model().objects.create_user(
        email=email,
        password=password,
        first_name=contact.first_name,
        last_name=contact.last_name,
        role="portal",
        **({"language": language} if language else {}),
    )
    contact.user = user
    contact.save(update_fields=["user"])
    give_default_access(user)
    return user


def give_default_access(user, *, manage_contacts: bool = False) -> None:
    """Give a new portal login the usual areas (every code path that creates one calls this)."""
    PortalAccess.objects.get_or_create(user=user)
    areas = [*DEFAULT_AREAS, *([Area.CONTACTS] if manage_contacts else [])]
    user.groups.add(*(area_group(area) for area in areas))


@transaction.atomic
def grant_portal_login(
    *, contact: Contact, by, language: str = "", welcome: str = CREATED_BY_STAFF
):
    """Give a contact a portal login with the usual areas and email them a link to set their
    password (the customer form's option and an approved signup, through customers/logins.py)."""
    if welcome not in (APPROVED_SIGNUP, CREATED_BY_STAFF):
        raise ValueError(f"Not a portal welcome email: {welcome!r}")
    if welcome == CREATED_BY_STAFF:
        require_office_perm(by, roles.MANAGE_PORTAL_ACCESS)
    if contact.user_id:
        raise PortalError(_("This contact already has a portal login."))
    if not contact.email:
        raise PortalError(_("A portal login needs an email address."))
    users = get_user_model().objects
    if users.filter(email__iexact=contact.email).exists():
        raise PortalError(_("Someone already signs in with this email address."))
    # The set-password email below goes out in this language.
    user = create_portal_user(contact, email=contact.email, password=None, language=language)
    record_activity(
        actor=by, verb="portal login created", target=contact, customer=contact.customer
    )
    notify(
        welcome,
        recipients=[Recipient.from_user(user)],
        context={"company": contact.customer.name, "customer": contact.customer.name},
        details=[(_("Company"), contact.customer.name), (_("Username"), user.email)],
        secret_link=set_password_link(user),
    )
    return user


@transaction.atomic
def set_portal_login_active(*, contact: Contact, by, active: bool) -> None:
    """Disable a portal login (it can no longer sign in) or enable it again."""
    require_perm(by, roles.MANAGE_PORTAL_ACCESS)
    user = get_user_model().objects.select_for_update().get(pk=_login_of(contact).pk)
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_activity(
        actor=by,
        verb="portal login enabled" if active else "portal login disabled",
        target=contact,
        customer=contact.customer,
    )


@transaction.atomic
def send_set_password_email(*, contact: Contact, by) -> None:
    """Email a portal user a link to set their password; any link sent before stops working."""
    require_perm(by, roles.MANAGE_PORTAL_ACCESS)
    user = _login_of(contact)
    if not user.is_active:
        raise PortalError(_("This portal login is disabled. Enable it first."))
    notify(
        "portal_password_link",
        recipients=[Recipient.from_user(user)],
        context={"company": contact.customer.name, "customer": contact.customer.name},
        details=[(_("Company"), contact.customer.name), (_("Username"), user.email)],
        secret_link=set_password_link(user),
    )
    record_activity(
        actor=by, verb="set-password email sent", target=contact, customer=contact.customer
    )
