"""Self-signup: a company applies through the portal; staff approve or reject the request."""

import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from customers.models import ADDRESS_PARTS, Contact, Customer, CustomerGroup
from customers.services import create_customer, record_activity
from lumytic.accounts import roles
from lumytic.accounts.audience import staff_audience
from lumytic.core.access import require_perm
from lumytic.core.reasons import required_reason
from notifications.services import Recipient, notify

from ..models import Area, RegistrationRequest
from .access import APPROVED_SIGNUP, PortalError, set_portal_access

# The only fields an applicant fills in; status, decision and customer are never among them.
APPLICANT_FIELDS = (
    "company_name",
    "website",
    "country",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    *(f"billing_{part}" for part in ADDRESS_PARTS),
    "shipping_same_as_billing",
    *(f"shipping_{part}" for part in ADDRESS_PARTS),
    "cr_number",
    "cr_file",
    "tax_id",
)
# What the customer record takes over from the request, under the same names.
COPIED_TO_CUSTOMER = (
    "website",
    "email",
    "phone",
    "country",
    "address",
    *(f"billing_{part}" for part in ADDRESS_PARTS),
    "shipping_same_as_billing",
    *(f"shipping_{part}" for part in ADDRESS_PARTS),
    "cr_number",
    "tax_id",
)


def email_has_login(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email.strip()).exists()


def email_has_pending_request(email: str) -> bool:
    return RegistrationRequest.objects.filter(
        email__iexact=email.strip(), status=RegistrationRequest.Status.PENDING
    ).exists()


def signup_refusal(email: str) -> str | None:
    """Why this email cannot sign up, or None when it can."""
    if email_has_login(email):
        return _(
            "This email address already has a portal login. Sign in, or reset your password "
            "if you have forgotten it."
        )
    if email_has_pending_request(email):
        return _(
            "A registration request with this email address is already waiting for review. "
            "We will email you as soon as it is decided."
        )
    return None


def _applicant(registration: RegistrationRequest) -> Recipient:
    return Recipient(
        email=registration.email,
        name=f"{registration.first_name} {registration.last_name}".strip(),
        language=registration.language,
        side="portal",
    )


@transaction.atomic
def submit_registration(*, language: str = "", **fields: Any) -> RegistrationRequest:
    """Store a pending request, tell the sales team, and welcome the applicant."""
    unknown = set(fields) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"Not an applicant field: {', '.join(sorted(unknown))}")
    fields["email"] = fields["email"].strip().lower()
    refusal = signup_refusal(fields["email"])
    if refusal:
        raise PortalError(refusal)
    registration = RegistrationRequest(language=language[:10], **fields)
    if registration.shipping_same_as_billing:
        for part in ADDRESS_PARTS:
            setattr(registration, f"shipping_{part}", "")
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:  # the same email signed up at the same moment
        raise PortalError(signup_refusal(fields["email"]) or _("Please try again.")) from error

    contact = f"{registration.first_name} {registration.last_name}".strip()
    notify(
        "registration_received",
        recipients=staff_audience(),  # the sales-notification staff, else admins
        context={"company": registration.company_name},
        details=[
            (_("Company"), registration.company_name),
            (_("Country"), registration.country.name),
            (_("Contact"), f"{contact} <{registration.email}>"),
            (_("Address"), registration.address),
            (_("Phone"), registration.phone.as_international if registration.phone else "—"),
        ],
        links={"office": reverse("portal_office:registration-detail", args=[registration.pk])},
    )
    notify(
        "registration_welcome",
        recipients=[_applicant(registration)],
        context={"company": registration.company_name},
        details=[
            (_("Company"), registration.company_name),
            (_("Contact"), contact),
            (
                _("What happens next"),
                _("Our sales team reviews your request, usually within two working days."),
            ),
        ],
    )
    return registration


def _locked_pending(registration: RegistrationRequest, status: str) -> RegistrationRequest:
    registration = RegistrationRequest.objects.select_for_update().get(pk=registration.pk)
    if not registration.can_become(status):
        raise PortalError(
            _("This request was already %(status)s; it can be decided only once.")
            % {"status": registration.get_status_display().lower()}
        )
    return registration


def _copy_cr_file(registration: RegistrationRequest) -> ContentFile | None:
    if not registration.cr_file:
        return None
    try:
        with registration.cr_file.open("rb") as source:
            content = source.read()
    except (FileNotFoundError, OSError) as error:
        raise PortalError(
            _("The request's CR document is missing from the storage; it cannot be kept.")
        ) from error
    ext = os.path.splitext(registration.cr_file.name)[1]
    return ContentFile(content, name=f"CR-{slugify(registration.company_name)}{ext}")


def _check_assignment(advisor, group) -> None:
    """The advisor must be an active staff member now, and the group must exist."""
    if advisor is None or not get_user_model().objects.staff().filter(pk=advisor.pk).exists():
        raise PortalError(_("Choose an active staff member as the customer's advisor."))
    if group is None or not CustomerGroup.objects.filter(pk=group.pk).exists():
        raise PortalError(_("Choose the customer's group."))


@transaction.atomic
def approve_registration(
    *, registration: RegistrationRequest, by, advisor, group: CustomerGroup
) -> Customer:
    """Create the customer (advisor, group, CR document v1), its primary contact and login."""
    require_perm(by, roles.REVIEW_REGISTRATIONS)
    registration = _locked_pending(registration, RegistrationRequest.Status.APPROVED)
    _check_assignment(advisor, group)
    if email_has_login(registration.email):
        raise PortalError(
            _("Someone already signs in with %(email)s; this request cannot create a login.")
            % {"email": registration.email}
        )
    fields = {name: getattr(registration, name) for name in COPIED_TO_CUSTOMER}
    customer = create_customer(
        by=by,
        name=registration.company_name,
        type=Customer.Type.COMPANY,
        contact={
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "phone": registration.phone,
        },
        portal_login=True,
        portal_language=(
            registration.language if registration.language in dict(settings.LANGUAGES) else ""
        ),
        portal_welcome=APPROVED_SIGNUP,
        advisor=advisor,
        group=group,
        cr_document=_copy_cr_file(registration),
        **fields,
    )
    primary = Contact.objects.select_related("user").get(customer=customer, is_primary=True)
    set_portal_access(contact=primary, by=by, areas=list(Area.values))

    registration.status = RegistrationRequest.Status.APPROVED
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.customer = customer
    registration.save(update_fields=["status", "decided_by", "decided_at", "customer"])
    record_activity(
        actor=by,
        verb="registration approved",
        target=customer,
        customer=customer,
        details={"registration": registration.pk, "email": registration.email},
    )
    return customer


@transaction.atomic
def reject_registration(
    *, registration: RegistrationRequest, by, reason: str
) -> RegistrationRequest:
    """Refuse a pending request and email the applicant why."""
    require_perm(by, roles.REVIEW_REGISTRATIONS)
    reason = required_reason(
        reason, missing=_("Give the applicant a reason for the rejection."), error=PortalError
    )
    registration = _locked_pending(registration, RegistrationRequest.Status.REJECTED)
    registration.status = RegistrationRequest.Status.REJECTED
    registration.reason = reason
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_activity(
        actor=by,
        verb="registration rejected",
        target=registration,
        details={"email": registration.email, "reason": reason},
    )
    notify(
        "registration_rejected",
        recipients=[_applicant(registration)],
        context={"company": registration.company_name},
        details=[(_("Company"), registration.company_name), (_("Reason"), reason)],
    )
    return registration


def possible_duplicates(*, registration: RegistrationRequest) -> QuerySet[Customer]:
    """Customers that share the request's email (or a contact's), CR number or tax ID.

    Each customer carries `same_email`, `same_cr` and `same_tax_id`, saying why it matched.
    """
    email = registration.email.strip()
    cr_number = registration.cr_number.strip()
    tax_id = registration.tax_id.strip()
    nothing = Value(False, output_field=BooleanField())
    contact_email = Exists(Contact.objects.filter(customer=OuterRef("pk"), email__iexact=email))
    queryset = Customer.objects.annotate(
        same_email=ExpressionWrapper(
            Q(email__iexact=email) | Q(contact_email), output_field=BooleanField()
        )
        if email
        else nothing,
        same_cr=ExpressionWrapper(Q(cr_number__iexact=cr_number), output_field=BooleanField())
        if cr_number
        else nothing,
        same_tax_id=ExpressionWrapper(Q(tax_id__iexact=tax_id), output_field=BooleanField())
        if tax_id
        else nothing,
    ).filter(Q(same_email=True) | Q(same_cr=True) | Q(same_tax_id=True))
    if registration.customer_id:
        queryset = queryset.exclude(pk=registration.customer_id)
    return queryset.order_by("name", "pk")
