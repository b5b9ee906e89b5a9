"""Invitations: staff invite a person to the portal with a signed, expiring, single-use link."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Customer
from customers.services import add_contact, record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_perm
from notifications.links import SecretLink
from notifications.services import Recipient, notify

from ..models import Invitation
from .access import PortalError, create_portal_user

SALT = "portal.invitation"
INVITATION_LINK = "portal_invitation"
INVITATION_NOTE = "[invitation link sent; not stored]"


class InvitationLinkError(PortalError):
    """An invitation link that can't be used; the message says why, for the visitor."""


def _lifetime() -> timedelta:
    return timedelta(days=settings.PORTAL_INVITATION_DAYS)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def issue_invitation_link(ref: str, *, email_id: int) -> str | None:
    """Mint an open invitation's link for the email being sent (with its current nonce)."""
    invitation = Invitation.objects.filter(
        pk=ref, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).first()
    if invitation is None:
        return None
    return reverse("portal:invitation-accept", args=[invitation_token(invitation)])


def _send(invitation: Invitation, by) -> None:
    inviter = by.get_full_name() if by else ""
    customer = invitation.customer
    notify(
        "portal_invitation",
        recipients=[
            Recipient(
                email=invitation.email,
                name=str(invitation.contact),
                language=getattr(by, "language", "") or "",
                side="portal",
            )
        ],
        context={"company": customer.name, "customer": customer.name},
        details=[
            (_("Invited by"), inviter or _("our sales team")),
            (_("Company"), customer.name),
            (
                _("Link valid until"),
                timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
            ),
        ],
        # The link is minted only while sending; the Outbox shows INVITATION_NOTE instead.
        secret_link=SecretLink(kind=INVITATION_LINK, ref=str(invitation.pk)),
    )


@transaction.atomic
def invite_to_portal(
    *, customer: Customer, by, first_name: str, last_name: str = "", email: str
) -> Invitation:
    """Create or link the contact with this email and email them an invitation."""
    require_perm(by, roles.MANAGE_PORTAL_ACCESS)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    email = email.strip()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise PortalError(_("Someone already signs in with this email address."))
    contact = customer.contacts.filter(email__iexact=email).first()
    if contact is None:
        contact = add_contact(
            customer=customer,
            by=by,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
    open_invite = contact.invitations.filter(accepted_at=None, revoked_at=None).first()
    if open_invite:
        return resend_invitation(invitation=open_invite, by=by)
    now = timezone.now()
    invitation = Invitation.objects.create(
        customer=customer,
        contact=contact,
        email=email,
        invited_by=by,
        nonce=secrets.token_hex(16),
        sent_at=now,
        expires_at=now + _lifetime(),
    )
    _send(invitation, by)
    record_activity(
        actor=by,
        verb="invited to the portal",
        target=contact,
        customer=customer,
        details={"email": email},
    )
    return invitation


def _locked_unaccepted(invitation: Invitation, *, accepted: str) -> Invitation:
    """Lock the invitation; one already accepted is refused with the `accepted` message."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise PortalError(accepted)
    return invitation


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by) -> Invitation:
    """Send a fresh link (the old one stops working) with a new expiry."""
    require_perm(by, roles.MANAGE_PORTAL_ACCESS)
    invitation = _locked_unaccepted(invitation, accepted=_("This invitation was already accepted."))
    if invitation.revoked_at:
        raise PortalError(_("This invitation was revoked. Invite the person again."))
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = now
    invitation.expires_at = now + _lifetime()
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    _send(invitation, by)
    record_activity(
        actor=by, verb="invitation resent", target=invitation.contact, customer=invitation.customer
    )
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by) -> Invitation:
    """Void an invitation that has not been accepted."""
    require_perm(by, roles.MANAGE_PORTAL_ACCESS)
    invitation = _locked_unaccepted(
        invitation, accepted=_("This invitation was already accepted; disable the login instead.")
    )
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.nonce = secrets.token_hex(16)
        invitation.save(update_fields=["revoked_at", "nonce"])
        record_activity(
            actor=by,
            verb="invitation revoked",
            target=invitation.contact,
            customer=invitation.customer,
        )
    return invitation


def invitation_from_token(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation a link stands for, or InvitationLinkError saying why not."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_lifetime())
    except signing.SignatureExpired as error:
        raise InvitationLinkError(_("This invitation link has expired.")) from error
    except signing.BadSignature as error:
        raise InvitationLinkError(_("This invitation link is not valid.")) from error
    queryset = Invitation.objects.select_related("customer", "contact")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(pk=data.get("i")).first() if isinstance(data, dict) else None
    if invitation is None:
        raise InvitationLinkError(_("This invitation link is not valid."))
    if invitation.accepted_at:
        raise InvitationLinkError(_("This invitation was already used. Sign in instead."))
    if invitation.revoked_at or invitation.nonce != data.get("n"):
        raise InvitationLinkError(
            _("This invitation link was replaced or withdrawn. Ask us for a new one.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationLinkError(_("This invitation link has expired."))
    if not invitation.customer.is_active:
        raise InvitationLinkError(_("This invitation link is not valid."))
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, password: str):
    """Create the invitee's portal login with their chosen password; the link then dies."""
    invitation = invitation_from_token(token, lock=True)
    users = get_user_model().objects
    if users.filter(email__iexact=invitation.email).exists():
        raise InvitationLinkError(_("Someone already signs in with this email address."))
    contact = Contact.objects.select_for_update().get(pk=invitation.contact_id)
    if contact.user_id:
        raise InvitationLinkError(_("This contact already has a portal login. Sign in instead."))
    user = create_portal_user(contact, email=invitation.email, password=password)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_activity(
        actor=user,
        verb="accepted the portal invitation",
        target=contact,
        customer=invitation.customer,
    )
    return user
