"""Every email Lumytic sends, as data: who it comes from, its subject, intro line and button.

Subjects and intros are format strings; their ``{placeholders}`` are filled from the context
the caller passes to ``notify``. Translators keep the placeholders as they are.

An email about something staff did for a customer may carry a second intro, ``on_behalf_intro``;
it is used when the caller names that staff member as ``entered_by`` in the context.
"""

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SALES = "LUMYTIC | Sales"
PORTAL = "LUMYTIC | Customer Portal"
SENDERS = (SALES, PORTAL)


@dataclass(frozen=True)
class EmailType:
    """One kind of email: its sender name and the translatable strings it is built from."""

    key: str
    name: Promise
    sender: str
    subject: Promise
    intro: Promise
    button: Promise | None = None
    on_behalf_intro: Promise | None = None

    def intro_for(self, context: Mapping[str, Any]) -> Promise:
        """The intro that fits the context: the on-behalf one when staff acted for the customer."""
        if self.on_behalf_intro is not None and context.get("entered_by"):
            return self.on_behalf_intro
        return self.intro

    @property
    def placeholders(self) -> frozenset[str]:
        """The context keys the subject and intro need."""
        names = set()
        for text in (self.subject, self.intro):
            names.update(field for _, field, _, _ in string.Formatter().parse(str(text)) if field)
        return frozenset(names)


_ORDER_DETAILS = _("Order Details")
_PI_DETAILS = _("PI Details")
_CANCELLATION_DETAILS = _("Cancellation Details")

_TYPES = (
    EmailType(
        key="currency_rates",
        name=_("Currency exchange rates"),
        sender=SALES,
        subject=_("Exchange rates for {date}"),
        intro=_("Here are today's exchange rates after the daily update."),
        button=_("Currency Exchange Details Request"),
    ),
    EmailType(
        key="currency_rates_failed",
        name=_("Exchange rates update failed"),
        sender=SALES,
        subject=_("Exchange rates update failed on {date}"),
        intro=_(
            "Today's exchange-rates update failed. The last rates stay in use and are flagged "
            "when they grow stale; enter a manual rate if a document needs today's."
        ),
        button=_("Open Currency Exchange"),
    ),
    EmailType(
        key="registration_received",
        name=_("Registration request received"),
        sender=PORTAL,
        subject=_("New registration request: {company}"),
        intro=_("A company has asked for a customer portal account. Please review the request."),
        button=_("Review request"),
    ),
    EmailType(
        key="registration_welcome",
        name=_("Registration welcome"),
        sender=PORTAL,
        subject=_("Welcome to Lumytic"),
        intro=_(
            "Thank you for registering. Lumytic is our customer portal, where you follow your "
            "quotations, orders, proforma invoices and payments. Our sales team will review your "
            "request and email you as soon as your account is ready."
        ),
    ),
    EmailType(
        key="registration_approved",
        name=_("Registration approved"),
        sender=PORTAL,
        subject=_("Your Lumytic account is ready"),
        intro=_(
            "Your customer portal account is ready. Use the button below to set your password "
            "and sign in."
        ),
        button=_("Sign In"),
    ),
    EmailType(
        key="portal_account_created",
        name=_("Portal account created"),
        sender=PORTAL,
        subject=_("Your Lumytic account is ready"),
        intro=_(
            "Our sales team has created a customer portal account for you at {company}. Use the "
            "button below to set your password and sign in."
        ),
        button=_("Sign In"),
    ),
    EmailType(
        key="portal_password_link",
        name=_("Set-password link"),
        sender=PORTAL,
        subject=_("Set your Lumytic password"),
        intro=_(
            "Our sales team has sent you a link to set your customer portal password. Use the "
            "button below to set it and sign in."
        ),
        button=_("Sign In"),
    ),
    EmailType(
        key="password_reset",
        name=_("Password reset"),
        sender=PORTAL,
        subject=_("Reset your Lumytic password"),
        intro=_(
            "Someone, probably you, asked to reset the password of your Lumytic account. Use the "
            "button below to choose a new one; if it was not you, ignore this email and your "
            "password stays as it is."
        ),
        button=_("Reset password"),
    ),
    EmailType(
        key="password_reset_unknown",
        name=_("Password reset for an unknown address"),
        sender=PORTAL,
        subject=_("Your Lumytic password reset request"),
        intro=_(
            "Someone asked to reset a Lumytic password for this email address, but no account "
            "uses it. If it was you, try the address you sign in with; otherwise ignore this "
            "email."
        ),
    ),
    EmailType(
        key="registration_rejected",
        name=_("Registration rejected"),
        sender=PORTAL,
        subject=_("Your Lumytic registration request"),
        intro=_("We are sorry: we could not approve your registration request. Here is why."),
    ),
    EmailType(
        key="portal_invitation",
        name=_("Portal invitation"),
        sender=PORTAL,
        subject=_("Your invitation to the Lumytic customer portal for {company}"),
        intro=_(
            "You have been invited to the Lumytic customer portal. Use the button below to set "
            "your password; the link expires after a while."
        ),
        button=_("Accept invitation"),
    ),
    EmailType(
        key="order_new",
        name=_("New order"),
        sender=PORTAL,
        subject=_("New order {order} from {company}"),
        intro=_("A customer has placed a new order."),
        button=_ORDER_DETAILS,
        on_behalf_intro=_("{entered_by} of the sales team entered this order for {company}."),
    ),
    EmailType(
        key="order_from_quotation",
        name=_("New order from a quotation"),
        sender=SALES,
        subject=_("New order {order} from quotation {quotation}"),
        intro=_("A customer has placed a new order from a quotation."),
        button=_ORDER_DETAILS,
        on_behalf_intro=_(
            "{entered_by} of the sales team entered this order from a quotation for {company}."
        ),
    ),
    EmailType(
        key="quotation_sent",
        name=_("Quotation sent"),
        sender=SALES,
        subject=_("Quotation {quotation}"),
        intro=_("Please find your quotation attached."),
        button=_("Quotation Details"),
    ),
    EmailType(
        key="order_confirmed",
        name=_("Order confirmed"),
        sender=PORTAL,
        subject=_("Order {order} confirmed"),
        intro=_("The order below has been confirmed."),
        button=_ORDER_DETAILS,
        on_behalf_intro=_("{entered_by} of the sales team confirmed this order for {company}."),
    ),
    EmailType(
        key="order_updated",
        name=_("Order updated"),
        sender=PORTAL,
        subject=_("Order {order} updated"),
        intro=_("The order below has been updated."),
        button=_ORDER_DETAILS,
        on_behalf_intro=_("{entered_by} of the sales team changed this order for {company}."),
    ),
    EmailType(
        key="order_cancelled",
        name=_("Order cancelled"),
        sender=PORTAL,
        subject=_("Order {order} cancelled"),
        intro=_("The order below has been cancelled."),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="pi_sent",
        name=_("Proforma invoice sent"),
        sender=SALES,
        subject=_("Proforma invoice {pi} for order {order}"),
        intro=_(
            "Please find the proforma invoice for your order attached. Sign it and upload the "
            "signed copy in the portal."
        ),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="pi_signed",
        name=_("Signed proforma invoice received"),
        sender=PORTAL,
        subject=_("Signed proforma invoice {pi} for order {order}"),
        intro=_("The customer has uploaded the signed proforma invoice."),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="pi_signed_approved",
        name=_("Signed proforma invoice approved"),
        sender=SALES,
        subject=_("Signed proforma invoice {pi} approved"),
        intro=_("Your signed proforma invoice has been approved."),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="pi_signed_rejected",
        name=_("Signed proforma invoice rejected"),
        sender=PORTAL,
        subject=_("Signed proforma invoice {pi} needs a new upload"),
        intro=_(
            "We could not accept the signed proforma invoice you uploaded. The reason is below; "
            "please upload a corrected signed copy in the portal."
        ),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="memo_sent",
        name=_("Proforma invoice memo sent"),
        sender=SALES,
        subject=_("Memo {memo} for proforma invoice {pi}"),
        intro=_(
            "Please find the proforma invoice memo attached. Sign it and upload the signed copy "
            "in the portal."
        ),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="memo_signed",
        name=_("Signed memo received"),
        sender=PORTAL,
        subject=_("Signed memo {memo} for proforma invoice {pi}"),
        intro=_("The customer has uploaded the signed proforma invoice memo."),
        button=_PI_DETAILS,
    ),
    EmailType(
        key="memo_signed_rejected",
        name=_("Signed memo rejected"),
        sender=PORTAL,
        subject=_("Signed memo {memo} for proforma invoice {pi} needs a new upload"),
        intro=_(
            "We could not accept the signed memo you uploaded. The reason is below; please "
            "upload a corrected signed copy in the portal."
        ),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="payment_uploaded",
        name=_("Payment proof uploaded"),
        sender=PORTAL,
        subject=_("Payment proof uploaded for proforma invoice {pi}"),
        intro=_("The customer has uploaded a bank transfer (SWIFT) proof."),
        button=_PI_DETAILS,
    ),
    EmailType(
        key="payment_confirmed",
        name=_("Payment confirmed"),
        sender=SALES,
        subject=_("Payment confirmed for proforma invoice {pi}"),
        intro=_("Your payment has been confirmed. Thank you."),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="payment_rejected",
        name=_("Payment rejected"),
        sender=PORTAL,
        subject=_("Payment for proforma invoice {pi} was not accepted"),
        intro=_(
            "We could not accept the payment proof you uploaded. The reason is below; please "
            "upload a corrected proof in the portal."
        ),
        button=_ORDER_DETAILS,
    ),
    EmailType(
        key="cancellation_new",
        name=_("Cancellation requested"),
        sender=PORTAL,
        subject=_("Cancellation requested for order {order}"),
        intro=_("A cancellation has been requested for the order below."),
        button=_CANCELLATION_DETAILS,
    ),
    EmailType(
        key="cancellation_confirmed",
        name=_("Cancellation order confirmed"),
        sender=SALES,
        subject=_("Cancellation order {cancellation} confirmed"),
        intro=_(
            "The cancellation order below has been confirmed. Please find it attached, sign it "
            "and upload the signed copy in the portal."
        ),
        button=_CANCELLATION_DETAILS,
    ),
    EmailType(
        key="cancellation_refused",
        name=_("Cancellation refused"),
        sender=SALES,
        subject=_("Your cancellation request for order {order}"),
        intro=_(
            "We could not accept your request to cancel the order below. The reason is below; "
            "the order carries on as before."
        ),
        button=_CANCELLATION_DETAILS,
    ),
    EmailType(
        key="cancellation_signed",
        name=_("Signed cancellation order received"),
        sender=PORTAL,
        subject=_("Signed cancellation order {cancellation}"),
        intro=_("The customer has uploaded the signed cancellation order."),
        button=_CANCELLATION_DETAILS,
    ),
    EmailType(
        key="cancellation_signed_rejected",
        name=_("Signed cancellation order rejected"),
        sender=PORTAL,
        subject=_("Signed cancellation order {cancellation} needs a new upload"),
        intro=_(
            "We could not accept the signed cancellation order you uploaded. The reason is "
            "below; please upload a corrected signed copy in the portal."
        ),
        button=_CANCELLATION_DETAILS,
    ),
    EmailType(
        key="cancellation_completed",
        name=_("Cancellation completed"),
        sender=SALES,
        subject=_("Cancellation order {cancellation} completed"),
        intro=_("The cancellation order below has been applied; the order is now cancelled."),
        button=_CANCELLATION_DETAILS,
    ),
    EmailType(
        key="reminder_due",
        name=_("Reminder due"),
        sender=SALES,
        subject=_("Reminder: {customer}"),
        intro=_("This is the reminder you asked for."),
        button=_("Customer"),
    ),
    EmailType(
        key="message_received",
        name=_("New message"),
        sender=PORTAL,
        subject=_("New message: {topic}"),
        intro=_("You have a new message."),
        button=_("View conversation"),
    ),
    EmailType(
        key="smtp_test",
        name=_("SMTP test"),
        sender=SALES,
        subject=_("Lumytic test email"),
        intro=_(
            "This is a test email sent from the Lumytic Outbox. If you can read it, outgoing "
            "email works."
        ),
        button=_("Open the Outbox"),
    ),
)

CATALOGUE: dict[str, EmailType] = {email_type.key: email_type for email_type in _TYPES}


def get_email_type(key: str) -> EmailType:
    """Return the catalogue entry for a key, or raise ValueError for an unknown one."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise ValueError(f"Unknown email event {key!r}; see notifications/catalogue.py.") from None


def event_choices() -> list[tuple[str, str]]:
    """List (key, name) pairs for filters, in catalogue order."""
    return [(email_type.key, email_type.name) for email_type in _TYPES]
