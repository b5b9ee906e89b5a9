"""Proforma invoices and signed PIs: the only place their status, or the order's, changes here.

Each step locks the order first (then the PI or document), checks the transition tables,
writes the order's timeline entry and queues its emails, all in one transaction.
"""

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import address_lines
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_perm
from lumytic.core.models import CompanyProfile
from lumytic.core.services import allocate_number
from lumytic.core.uploads import display_name, file_kind
from lumytic.core.workflow import InvalidTransition
from notifications.services import Attachment, notify

from ..models import (
    SIGNED_DOCUMENT_VALIDATOR,
    Order,
    ProformaInvoice,
    ProformaInvoiceLine,
    SignedDocument,
    default_due_date,
)
from ..pdf import MAX_PI_LINES, render_pi_pdf
from ..progress import next_step_context
from ..totals import money_text
from .orders import (
    OrderError,
    lock_order,
    move_order,
    order_links,
)
from .recipients import customer_recipients, owner_recipients

LINE_COPY = (
    "position",
    "product_id",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "tax_rate",
    "net_amount",
    "tax_amount",
)


class InvoiceError(OrderError):
    """A PI or signed-document step the rules refuse; the message is for the user."""


def pi_details(order: Order, pi: ProformaInvoice, *extra) -> list[tuple[str, str]]:
    return [(_("Order"), order.number), (_("Proforma invoice"), pi.number), *extra]


def lock_pi(pi: ProformaInvoice) -> tuple[Order, ProformaInvoice]:
    """Lock the order, then its PI (always in that order, so two steps never deadlock)."""
    order = lock_order(pi.order)
    return order, ProformaInvoice.objects.select_for_update().get(pk=pi.pk)


def _locked_document(document: SignedDocument) -> tuple[Order, ProformaInvoice, SignedDocument]:
    order, pi = lock_pi(document.pi)
    document = SignedDocument.objects.select_for_update().get(pk=document.pk)
    if document.memo_id:
        # A signed memo is decided by its own steps (sales/services/memos.py).
        raise InvoiceError(_("This is a signed memo, not a signed proforma invoice."))
    return order, pi, document


@transaction.atomic
def issue_pi(*, order: Order, by, due_date: date | None = None) -> ProformaInvoice:
    """Issue the proforma invoice of a confirmed order, freezing its lines, totals and parties."""
    require_perm(by, roles.ISSUE_DOCUMENTS)
    order = lock_order(order)
    if order.status != Order.Status.CONFIRMED:
        raise InvalidTransition(order, Order.Status.PI_SENT)
    if ProformaInvoice.objects.filter(order=order).exists():
        raise InvoiceError(_("Order %(order)s already has a proforma invoice.") % {"order": order})
    lines = list(order.lines.select_related("product"))
    if len(lines) > MAX_PI_LINES:
        raise InvoiceError(
            _("A proforma invoice holds at most %(max)s lines.") % {"max": MAX_PI_LINES}
        )
    issued = timezone.localdate()
    due = due_date or default_due_date(issued)
    if due < issued:
        raise InvoiceError(_("The due date can't be before the issue date."))
    profile = CompanyProfile.load()
    customer = order.customer
    bill_to = order.address_values("billing")
    ship_to = order.address_values("shipping")
    pi = ProformaInvoice.objects.create(
        number=allocate_number(kind="PI"),
        order=order,
        issue_date=issued,
        due_date=due,
        currency=order.currency,
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        tax_total=order.tax_total,
        total=order.total,
        customer_name=customer.name,
        customer_number=customer.number or "",
        customer_tax_id=customer.tax_id or "",
        bill_to="\n".join(address_lines(bill_to)),
        ship_to="\n".join(address_lines(ship_to)) if ship_to != bill_to else "",
        customer_reference=order.customer_reference,
        seller_name=profile.legal_name,
        seller_address=profile.address,
        seller_email=profile.email,
        seller_phone=profile.phone,
        seller_cr_number=profile.cr_number,
        seller_tax_id=profile.tax_id,
        bank_name=profile.bank_name,
        bank_account_name=profile.bank_account_name,
        bank_iban=profile.bank_iban,
        bank_swift=profile.bank_swift,
        bank_address=profile.bank_address,
        created_by=by if getattr(by, "pk", None) else None,
    )
    ProformaInvoiceLine.objects.bulk_create(
        ProformaInvoiceLine(
            pi=pi,
            sku=line.product.sku if line.product else "",
            **{name: getattr(line, name) for name in LINE_COPY},
        )
        for line in lines
    )
    record_activity(
        actor=by,
        verb="proforma invoice issued",
        target=order,
        customer=customer,
        details={"pi": pi.number, "total": money_text(pi.total, pi.currency)},
    )
    return pi


@transaction.atomic
def send_pi(*, pi: ProformaInvoice, by) -> ProformaInvoice:
    """Send a draft PI to the customer (`pi_sent`, PDF attached); the order becomes pi_sent."""
    require_perm(by, roles.ISSUE_DOCUMENTS)
    order, pi = lock_pi(pi)
    if not pi.can_become(ProformaInvoice.Status.SENT):
        raise InvoiceError(
            _("Proforma invoice %(pi)s is already sent; it can't change.") % {"pi": pi}
        )
    move_order(
        order, Order.Status.PI_SENT, by=by, verb="proforma invoice sent", details={"pi": pi.number}
    )
    pi.status = ProformaInvoice.Status.SENT
    pi.sent_at = timezone.now()
    pi.save(update_fields=["status", "sent_at", "updated_at"])
    content = render_pi_pdf(pi)
    notify(
        "pi_sent",
        recipients=customer_recipients(order),
        context={"pi": pi.number, "order": order.number, **next_step_context(order)},
        details=pi_details(
            order,
            pi,
            (_("Total"), money_text(pi.total, pi.currency)),
            (_("Due date"), pi.due_date.isoformat()),
        ),
        links=order_links(order),
        attachments=[Attachment(f"{pi.number}.pdf", content, "application/pdf")],
    )
    return pi


def read_upload(file) -> tuple[int, str]:
    """The size and SHA-256 of the uploaded bytes, read in chunks."""
    digest, size = hashlib.sha256(), 0
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return size, digest.hexdigest()


def keep_signed_version(document, *, by, file: File, versions, error: type[Exception]):
    """Save `document`, an unsaved signed copy, as the next of `versions`: the file judged by its
    content (PDF, PNG, JPEG), fingerprinted and stored under a generated name. A refused file
    raises `error` with a message for the user, and nothing is written."""
    try:
        SIGNED_DOCUMENT_VALIDATOR(file)
    except ValidationError as refused:
        raise error(" ".join(refused.messages)) from refused
    document.size, document.sha256 = read_upload(file)
    document.version = (versions.aggregate(latest=Max("version"))["latest"] or 0) + 1
    document.original_name = display_name(getattr(file, "name", ""), kind=file_kind(file))
    document.uploaded_by = by if getattr(by, "pk", None) else None
    document.file.save(document.original_name, file, save=False)
    document.save()
    return document


@transaction.atomic
def upload_signed_pi(*, pi: ProformaInvoice, by, file: File) -> SignedDocument:
    """Keep a new version of the signed PI (`pi_signed` to the owner); the order becomes pi_signed.

    The file is judged by its content (PDF, PNG, JPEG) and stored under a generated name.
    """
    order, pi = lock_pi(pi)
    if pi.status != ProformaInvoice.Status.SENT or not order.can_become(Order.Status.PI_SIGNED):
        raise InvoiceError(
            _("Order %(order)s is %(status)s; a signed proforma invoice can't be uploaded now.")
            % {"order": order, "status": order.get_status_display().lower()}
        )
    document = keep_signed_version(
        SignedDocument(pi=pi),
        by=by,
        file=file,
        versions=pi.signed_documents.filter(memo__isnull=True),
        error=InvoiceError,
    )
    move_order(
        order,
        Order.Status.PI_SIGNED,
        by=by,
        verb="signed proforma invoice uploaded",
        details={"pi": pi.number, "version": document.version},
    )
    notify(
        "pi_signed",
        recipients=owner_recipients(order),
        context={"pi": pi.number, "order": order.number, **next_step_context(order)},
        details=pi_details(order, pi, (_("Version"), str(document.version))),
        links=order_links(order),
    )
    return document


def decide_signed_copy(document: SignedDocument, status: str, *, by, reason: str = "") -> None:
    if not document.can_become(status):
        raise InvoiceError(
            _("Version %(version)s is %(status)s; only a version awaiting review can be decided.")
            % {"version": document.version, "status": document.get_status_display().lower()}
        )
    document.status = status
    document.reason = reason
    document.decided_by = by if getattr(by, "pk", None) else None
    document.decided_at = timezone.now()
    document.save(update_fields=["status", "reason", "decided_by", "decided_at"])


@transaction.atomic
def approve_signed_pi(*, document: SignedDocument, by) -> SignedDocument:
    """Accept the customer's signed PI (`pi_signed_approved`); the order becomes pi_approved."""
    require_perm(by, roles.REVIEW_SIGNED_DOCUMENTS)
    order, pi, document = _locked_document(document)
    decide_signed_copy(document, SignedDocument.Status.APPROVED, by=by)
    move_order(
        order,
        Order.Status.PI_APPROVED,
        by=by,
        verb="signed proforma invoice approved",
        details={"pi": pi.number, "version": document.version},
    )
    notify(
        "pi_signed_approved",
        recipients=customer_recipients(order),
        context={"pi": pi.number, "order": order.number, **next_step_context(order)},
        details=pi_details(order, pi),
        links=order_links(order),
    )
    return document


@transaction.atomic
def reject_signed_pi(*, document: SignedDocument, by, reason: str) -> SignedDocument:
    """Refuse a signed PI with a reason (`pi_signed_rejected`); the order goes back to pi_sent."""
    require_perm(by, roles.REVIEW_SIGNED_DOCUMENTS)
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceError(_("Give the customer a reason for rejecting the signed copy."))
    order, pi, document = _locked_document(document)
    decide_signed_copy(document, SignedDocument.Status.REJECTED, by=by, reason=reason)
    move_order(
        order,
        Order.Status.PI_SENT,
        by=by,
        verb="signed proforma invoice rejected",
        details={"pi": pi.number, "version": document.version, "reason": reason},
    )
    notify(
        "pi_signed_rejected",
        recipients=customer_recipients(order),
        context={"pi": pi.number, "order": order.number, **next_step_context(order)},
        details=pi_details(order, pi, (_("Reason"), reason)),
        links=order_links(order),
    )
    return document
