from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from customers.models import Addresses
from lumytic.core.choices import status_display
from lumytic.core.model_fields import rejection_has_reason, status_field, user_link
from lumytic.core.uploads import ContentTypeValidator, GeneratedName
from lumytic.core.workflow import StatusMachine


class Area(models.TextChoices):
    """The parts of the portal a portal user can be granted (seed 002)."""

    QUOTATIONS = "quotations", _("Quotations")
    ORDERS = "orders", _("Orders")
    INVOICES = "invoices", _("Proforma invoices and payments")
    STATEMENTS = "statements", _("Statements")
    CANCELLATIONS = "cancellations", _("Cancellations")
    CONTACTS = "contacts", _("Manage company contacts")


class PortalAccess(models.Model):
    """A portal user's settings beyond its areas; the areas are auth groups holding permissions.

    Each area is a group named ``portal:<area>`` whose permissions are listed in
    ``portal.access.AREA_PERMISSIONS``; granting an area adds the user to its group.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_access"
    )
    own_orders_only = models.BooleanField(
        _("only show my own orders"),
        default=False,
        help_text=_("The user sees only the orders they placed, not their colleagues'."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal access")
        permissions = [
            ("view_quotations", _("Portal: see and answer quotations")),
            ("view_orders", _("Portal: see orders")),
            ("place_orders", _("Portal: place, update and cancel orders")),
            ("view_invoices", _("Portal: see proforma invoices")),
            ("upload_payments", _("Portal: upload signed documents and payment proofs")),
            ("view_statements", _("Portal: see statements")),
            ("request_cancellations", _("Portal: request and sign cancellations")),
            ("manage_contacts", _("Portal: manage the company's contacts")),
            # Staff: invite contacts, grant areas, block logins, send set-password links.
            ("manage_portal_access", _("Office: manage customers' portal access")),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Invitation(models.Model):
    """A signed, expiring, single-use invitation for a contact to join the portal."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="invitations"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    invited_by = user_link()
    # Changing the nonce (on resend or revoke) voids every link sent before.
    nonce = models.CharField(max_length=32)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="portal_one_open_invitation_per_contact",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class RegistrationRequest(StatusMachine, Addresses):
    """A company's self-signup, waiting for staff to approve or reject it (seed 000)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    get_status_display = status_display
    ALLOWED_TRANSITIONS = {Status.PENDING: {Status.APPROVED, Status.REJECTED}}

    # Company
    company_name = models.CharField(_("company name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    country = CountryField(_("country"))
    first_name = models.CharField(_("contact person's first name"), max_length=100)
    last_name = models.CharField(_("contact person's last name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = PhoneNumberField(_("phone"), blank=True)
    address = models.TextField(_("physical address"))

    # Billing and shipping come from Addresses; an application must name whom to bill.
    billing_first_name = models.CharField(_("first name"), max_length=100)
    billing_last_name = models.CharField(_("last name"), max_length=100)
    billing_commercial_name = models.CharField(_("commercial name"), max_length=200)
    billing_email = models.EmailField(_("email"))
    billing_country = CountryField(_("country"))
    shipping_same_as_billing = models.BooleanField(
        _("shipping details same as billing details"), default=True
    )

    cr_number = models.CharField(_("commercial registration number"), max_length=64)
    cr_file = models.FileField(
        _("commercial registration document"),
        upload_to=GeneratedName("registrations/cr"),
        validators=[ContentTypeValidator()],
    )
    tax_id = models.CharField(_("tax ID"), max_length=64, blank=True)
    language = models.CharField(max_length=10, blank=True)

    status = status_field(Status, Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = user_link(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registration request")
        verbose_name_plural = _("registration requests")
        permissions = [
            ("review_registrations", _("Approve or reject registration requests")),
        ]
        constraints = [
            rejection_has_reason("portal_rejection_has_reason"),
            # Emails are stored lower-cased, so this holds two simultaneous signups apart.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status="pending"),
                name="portal_one_pending_request_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name
