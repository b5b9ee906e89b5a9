"""Cancellation orders: the only place a cancellation's status changes, and the only way an order
that is confirmed or later becomes cancelled (DESIGN.md §4).

Each step locks the order first, then the cancellation (then the signed copy), checks the
transition tables, writes the order's timeline entry (which the customer's timeline shares) and
queues its emails, all in one transaction.
"""

from decimal import Decimal

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Credit, address_lines
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.accounts.audience import staff_audience
from lumytic.core.access import (
    large_credit_message,
    may_grant_credit,
    require_office_perm,
    require_perm,
    stored_user,
)
from lumytic.core.models import CompanyProfile
from lumytic.core.pages import side_links
from lumytic.core.reasons import required_reason
from lumytic.core.services import allocate_number
from notifications.services import Attachment, Recipient, notify

from ..models import REASON_MAX_CHARS, Cancellation, Order, ProformaInvoice, SignedCancellation
from ..pdf import render_cancellation_pdf
from ..totals import money_text
from .orders import OrderError, lock_order, move_order
from .payments import pi_balance, refresh_pi_money
from .recipients import customer_recipients
from .signed_copies import keep_signed_version, review_signed_copy

ZERO = Decimal("0")
# Orders a cancellation order can be asked for: confirmed or later, and not cancelled already.
CANCELLABLE = set(Order.Status) - Order.OPEN - {Order.Status.CANCELLED}


class CancellationError(OrderError):
    """A cancellation step the rules refuse; the message is for the user."""


class InvalidCancellationStep(CancellationError):
    def __init__(self, cancellation: Cancellation, status: str):
        super().__init__(
            _("Cancellation %(cancellation)s is %(current)s; it cannot become %(target)s.")
            % {
                "cancellation": cancellation,
                "current": cancellation.get_status_display().lower(),
                "target": Cancellation.Status(status).label.lower(),
            }
        )


# --- Helpers -------------------------------------------------------------------------------------


def _clean_reason(reason: str, missing: str) -> str:
    return required_reason(
        reason, missing=missing, error=CancellationError, max_chars=REASON_MAX_CHARS
    )


def _locked_cancellation(cancellation: Cancellation) -> tuple[Order, Cancellation]:
    """Lock the order, then the cancellation (the order every order step locks first)."""
    order = lock_order(cancellation.order)
    locked = (
        Cancellation.objects.select_for_update(of=("self",))
        .select_related("owner", "requested_by")
        .get(pk=cancellation.pk)
    )
    return order, locked


def _locked_signed(document: SignedCancellation) -> tuple[Order, Cancellation, SignedCancellation]:
    order, cancellation = _locked_cancellation(document.cancellation)
    return order, cancellation, SignedCancellation.objects.select_for_update().get(pk=document.pk)


def _set_status(cancellation: Cancellation, status: str, *fields: str) -> None:
    if not cancellation.can_become(status):
        raise InvalidCancellationStep(cancellation, status)
    cancellation.status = status
    cancellation.save(update_fields=["status", "updated_at", *fields])


def _decide(cancellation: Cancellation, status: str, *fields: str, by) -> None:
    """Confirm or refuse a request: the status and `fields`, with who decided and when."""
    cancellation.decided_by = stored_user(by)
    cancellation.decided_at = timezone.now()
    _set_status(cancellation, status, *fields, "decided_by", "decided_at")


def _record(order: Order, cancellation: Cancellation, *, by, verb: str, **details) -> None:
    record_activity(
        actor=by,
        verb=verb,
        target=order,
        customer=order.customer,
        details={"cancellation": cancellation.number, **details}
        if cancellation.number
        else details,
    )


def _links(cancellation: Cancellation) -> dict[str, str]:
    office = reverse("sales:cancellation-detail", args=[cancellation.pk])
    return side_links(office, "customer-cancellation", cancellation.pk)


def _customer_side(order: Order, cancellation: Cancellation) -> list[Recipient]:
    """The portal user who asked for the cancellation, else the order's customer side."""
    user = cancellation.requested_by
    if user is not None and user.is_active and getattr(user, "is_portal_user", False):
        return [Recipient.from_user(user)]
    return customer_recipients(order)


def _owner_side(order: Order, cancellation: Cancellation) -> list[Recipient]:
    """The cancellation owner; without one, the order owner, then the shared staff fallback."""
    users = staff_audience(wanted=[cancellation.owner], owner=order.owner)
    return [Recipient.from_user(user) for user in users]


def _notify(event: str, order: Order, cancellation: Cancellation, *, recipients, rows=(), **email):
    """Queue a cancellation step's email: the order and cancellation numbers in the text and
    the details (then `rows`), the cancellation pages as buttons."""
    details = [(_("Order"), order.number)]
    if cancellation.number:
        details.append((_("Cancellation order"), cancellation.number))
    notify(
        event,
        recipients=recipients,
        context={"order": order.number, "cancellation": cancellation.number or ""},
        details=[*details, *rows],
        links=_links(cancellation),
        **email,
    )


def sent_pi(order: Order) -> ProformaInvoice | None:
    return ProformaInvoice.objects.sent().filter(order=order).first()


def order_received(order: Order, pi: ProformaInvoice | None) -> tuple[str, Decimal, Decimal]:
    """(currency, confirmed payments, credits applied) on the order's sent PI, if any."""
    if pi is None:
        return order.currency, ZERO, ZERO
    paid, applied, _outstanding = pi_balance(pi)
    return pi.currency, paid, applied


# --- Steps ---------------------------------------------------------------------------------------


@transaction.atomic
def request_cancellation(*, order: Order, by, reason: str) -> Cancellation:
    """Ask to cancel an order that is confirmed or later (`cancellation_new` to the customer and
    the order owner). Staff may open one on the customer's behalf."""
    require_office_perm(by, roles.MANAGE_CANCELLATIONS)
    reason = _clean_reason(reason, _("Tell us why the order should be cancelled."))
    order = lock_order(order)
    if order.status not in CANCELLABLE:
        message = (
            _("Order %(order)s is not confirmed yet; cancel it directly instead.")
            if order.is_open
            else _("Order %(order)s is already cancelled.")
        )
        raise CancellationError(message % {"order": order})
    others = Cancellation.objects.filter(order=order)
    if others.exclude(status=Cancellation.Status.REFUSED).exists():
        raise CancellationError(
            _("Order %(order)s already has a cancellation order.") % {"order": order}
        )
    cancellation = Cancellation.objects.create(
        order=order,
        customer=order.customer,
        reason=reason,
        requested_by=stored_user(by),
        owner=order.owner or order.customer.advisor,
    )
    _record(order, cancellation, by=by, verb="cancellation requested", reason=reason)
    requester = (by.get_full_name() or by.email) if getattr(by, "pk", None) else ""
    _notify(
        "cancellation_new",
        order,
        cancellation,
        recipients=[*_customer_side(order, cancellation), *_owner_side(order, cancellation)],
        rows=[
            (_("Agent"), order.customer.name),
            (_("Requested by"), requester or "—"),
            (_("Reason"), reason),
        ],
    )
    return cancellation


@transaction.atomic
def confirm_cancellation(*, cancellation: Cancellation, by) -> Cancellation:
    """Accept a request: number it, copy what its PDF prints, and send it to the customer to sign
    (`cancellation_confirmed`, PDF attached)."""
    require_perm(by, roles.MANAGE_CANCELLATIONS)
    order, cancellation = _locked_cancellation(cancellation)
    if order.status == Order.Status.CANCELLED:
        raise CancellationError(_("Order %(order)s is already cancelled.") % {"order": order})
    if not cancellation.can_become(Cancellation.Status.CONFIRMED):
        raise InvalidCancellationStep(cancellation, Cancellation.Status.CONFIRMED)
    profile = CompanyProfile.load()
    customer = order.customer
    pi = sent_pi(order)
    currency, paid, applied = order_received(order, pi)
    bill_to = order.address_values("billing")
    cancellation.number = allocate_number(kind="CXL")
    cancellation.seller_name = pi.seller_name if pi else profile.legal_name
    cancellation.seller_address = pi.seller_address if pi else profile.address
    cancellation.seller_email = pi.seller_email if pi else profile.email
    cancellation.seller_phone = pi.seller_phone if pi else profile.phone
    cancellation.seller_cr_number = pi.seller_cr_number if pi else profile.cr_number
    cancellation.seller_tax_id = pi.seller_tax_id if pi else profile.tax_id
    cancellation.customer_name = customer.name
    cancellation.customer_number = customer.number or ""
    cancellation.bill_to = "\n".join(address_lines(bill_to))
    cancellation.currency = currency
    cancellation.order_total = pi.total if pi else order.total
    cancellation.pi_number = pi.number if pi else ""
    cancellation.received = paid + applied
    _decide(
        cancellation,
        Cancellation.Status.CONFIRMED,
        "number",
        "seller_name",
        "seller_address",
        "seller_email",
        "seller_phone",
        "seller_cr_number",
        "seller_tax_id",
        "customer_name",
        "customer_number",
        "bill_to",
        "currency",
        "order_total",
        "pi_number",
        "received",
        by=by,
    )
    _record(order, cancellation, by=by, verb="cancellation confirmed")
    _notify(
        "cancellation_confirmed",
        order,
        cancellation,
        recipients=_customer_side(order, cancellation),
        rows=[(_("Received to date"), money_text(cancellation.received, currency))],
        attachments=[
            Attachment(
                f"{cancellation.number}.pdf",
                render_cancellation_pdf(cancellation),
                "application/pdf",
            )
        ],
    )
    return cancellation


@transaction.atomic
def refuse_cancellation(*, cancellation: Cancellation, by, reason: str) -> Cancellation:
    """Turn a request down with a reason (`cancellation_refused`); the order carries on."""
    require_perm(by, roles.MANAGE_CANCELLATIONS)
    reason = _clean_reason(reason, _("Give the customer a reason for refusing the cancellation."))
    order, cancellation = _locked_cancellation(cancellation)
    cancellation.refusal_reason = reason
    _decide(cancellation, Cancellation.Status.REFUSED, "refusal_reason", by=by)
    _record(order, cancellation, by=by, verb="cancellation refused", reason=reason)
    _notify(
        "cancellation_refused",
        order,
        cancellation,
        recipients=_customer_side(order, cancellation),
        rows=[(_("Reason"), reason)],
    )
    return cancellation


@transaction.atomic
def upload_signed_cancellation(*, cancellation: Cancellation, by, file: File) -> SignedCancellation:
    """Keep a new version of the signed cancellation order (`cancellation_signed` to its owner).

    The file is judged by its content (PDF, PNG, JPEG) and stored under a generated name.
    """
    order, cancellation = _locked_cancellation(cancellation)
    if not cancellation.can_become(Cancellation.Status.SIGNED):
        raise CancellationError(
            _("Cancellation %(cancellation)s is %(status)s; a signed copy can't be uploaded now.")
            % {
                "cancellation": cancellation,
                "status": cancellation.get_status_display().lower(),
            }
        )
    document = keep_signed_version(
        SignedCancellation(cancellation=cancellation),
        by=by,
        file=file,
        versions=cancellation.signed_documents.all(),
        error=CancellationError,
    )
    _set_status(cancellation, Cancellation.Status.SIGNED)
    _record(
        order, cancellation, by=by, verb="signed cancellation uploaded", version=document.version
    )
    _notify(
        "cancellation_signed",
        order,
        cancellation,
        recipients=_owner_side(order, cancellation),
        rows=[(_("Version"), str(document.version))],
    )
    return document


@transaction.atomic
def approve_signed_cancellation(*, document: SignedCancellation, by) -> SignedCancellation:
    """Accept the customer's signed copy; the cancellation can then be applied."""
    order, cancellation, document = review_signed_copy(
        document,
        SignedCancellation.Status.APPROVED,
        by=by,
        lock=_locked_signed,
        error=CancellationError,
    )
    _record(
        order,
        cancellation,
        by=by,
        verb="signed cancellation approved",
        version=document.version,
    )
    return document


@transaction.atomic
def reject_signed_cancellation(
    *, document: SignedCancellation, by, reason: str
) -> SignedCancellation:
    """Refuse a signed copy with a reason (`cancellation_signed_rejected`); the customer signs
    and uploads it again."""
    order, cancellation, document = review_signed_copy(
        document,
        SignedCancellation.Status.REJECTED,
        by=by,
        lock=_locked_signed,
        error=CancellationError,
        reason=reason,
        max_reason=REASON_MAX_CHARS,
    )
    _set_status(cancellation, Cancellation.Status.CONFIRMED)
    _record(
        order,
        cancellation,
        by=by,
        verb="signed cancellation rejected",
        version=document.version,
        reason=document.reason,
    )
    _notify(
        "cancellation_signed_rejected",
        order,
        cancellation,
        recipients=_customer_side(order, cancellation),
        rows=[(_("Reason"), document.reason)],
    )
    return document


@transaction.atomic
def complete_cancellation(*, cancellation: Cancellation, by) -> Cancellation:
    """Apply a signed cancellation: the order becomes cancelled, the money received on it
    (confirmed payments and credits applied) becomes customer credit, and the PI's unpaid rest is
    written off (`cancellation_completed` to the owner and the customer)."""
    require_perm(by, roles.MANAGE_CANCELLATIONS)
    order, cancellation = _locked_cancellation(cancellation)
    if not cancellation.can_become(Cancellation.Status.COMPLETED):
        raise InvalidCancellationStep(cancellation, Cancellation.Status.COMPLETED)
    latest = cancellation.signed_documents.order_by("-version").first()
    if latest is None or latest.status != SignedCancellation.Status.APPROVED:
        raise CancellationError(_("Approve the customer's signed copy before applying it."))
    pi = sent_pi(order)
    if pi is not None and pi.payments.pending().exists():
        raise CancellationError(
            _("A payment proof for %(pi)s awaits review; confirm or reject it first.") % {"pi": pi}
        )
    paid, applied, written_off = pi_balance(pi) if pi is not None else (ZERO, ZERO, ZERO)
    currency = pi.currency if pi is not None else order.currency
    returned = paid + applied
    credit = None
    if not may_grant_credit(by, returned):
        raise CancellationError(large_credit_message(currency))
    if returned > 0:
        credit = Credit.objects.create(
            customer=order.customer,
            amount=returned,
            currency=currency,
            reason=_("Cancellation %(cancellation)s of order %(order)s")
            % {"cancellation": cancellation.number, "order": order.number},
            created_by=stored_user(by),
        )
    cancellation.credit = credit
    cancellation.credited_amount = returned
    # What was invoiced and never received: statements and balances subtract it from now on.
    cancellation.reversed_amount = written_off
    cancellation.currency = currency
    cancellation.completed_by = stored_user(by)
    cancellation.completed_at = timezone.now()
    _set_status(
        cancellation,
        Cancellation.Status.COMPLETED,
        "credit",
        "credited_amount",
        "reversed_amount",
        "currency",
        "completed_by",
        "completed_at",
    )
    if pi is not None:
        refresh_pi_money(pi)  # the written-off rest
    order.cancelled_at = cancellation.completed_at
    order.cancel_reason = cancellation.reason
    order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    move_order(
        order,
        Order.Status.CANCELLED,
        by=by,
        verb="order cancelled",
        details={
            "cancellation": cancellation.number,
            "credit": money_text(returned, currency),
        },
    )
    _notify(
        "cancellation_completed",
        order,
        cancellation,
        recipients=[*_owner_side(order, cancellation), *_customer_side(order, cancellation)],
        rows=[(_("Credit to the customer"), money_text(returned, currency))],
    )
    return cancellation
