"""Proforma invoices and signed PIs: the only place their status, or the order's, changes here.

Each step locks the order first (then the PI or document), checks the transition tables,
writes the order's timeline entry and queues its emails, all in one transaction.
"""

from datetime import date

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import address_lines
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_perm, stored_user
from lumytic.core.models import CompanyProfile
from lumytic.core.services import allocate_number
from lumytic.core.workflow import InvalidTransition
from notifications.services import Attachment, notify

from ..models import (
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
from .signed_copies import keep_signed_version, review_signed_copy

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


def notify_pi(
    event: str,
    order: Order,
    pi: ProformaInvoice,
    *,
    recipients,
    rows=(),
    context: dict | None = None,
    links: dict[str, str] | None = None,
    attachments=(),
) -> None:
    """Queue the email of a step on a PI: its numbers and the order's next step in the text, the
    order and PI rows (then `rows`) in the details, the order pages (or `links`) as buttons."""
    notify(
        event,
        recipients=recipients,
        context={
            "pi": pi.number,
            "order": order.number,
            **(context or {}),
            **next_step_context(order),
        },
        details=[(_("Order"), order.number), (_("Proforma invoice"), pi.number), *rows],
        links=links or order_links(order),
        attachments=attachments,
    )


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
        created_by=stored_user(by),
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
    notify_pi(
        "pi_sent",
        order,
        pi,
        recipients=customer_recipients(order),
        rows=[
            (_("Total"), money_text(pi.total, pi.currency)),
            (_("Due date"), pi.due_date.isoformat()),
        ],
        attachments=[Attachment(f"{pi.number}.pdf", render_pi_pdf(pi), "application/pdf")],
    )
    return pi


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
    notify_pi(
        "pi_signed",
        order,
        pi,
        recipients=owner_recipients(order),
        rows=[(_("Version"), str(document.version))],
    )
    return document


@transaction.atomic
def approve_signed_pi(*, document: SignedDocument, by) -> SignedDocument:
    """Accept the customer's signed PI (`pi_signed_approved`); the order becomes pi_approved."""
    order, pi, document = review_signed_copy(
        document, SignedDocument.Status.APPROVED, by=by, lock=_locked_document, error=InvoiceError
    )
    move_order(
        order,
        Order.Status.PI_APPROVED,
        by=by,
        verb="signed proforma invoice approved",
        details={"pi": pi.number, "version": document.version},
    )
    notify_pi("pi_signed_approved", order, pi, recipients=customer_recipients(order))
    return document


@transaction.atomic
def reject_signed_pi(*, document: SignedDocument, by, reason: str) -> SignedDocument:
    """Refuse a signed PI with a reason (`pi_signed_rejected`); the order goes back to pi_sent."""
    order, pi, document = review_signed_copy(
        document,
        SignedDocument.Status.REJECTED,
        by=by,
        lock=_locked_document,
        error=InvoiceError,
        reason=reason,
    )
    move_order(
        order,
        Order.Status.PI_SENT,
        by=by,
        verb="signed proforma invoice rejected",
        details={"pi": pi.number, "version": document.version, "reason": document.reason},
    )
    notify_pi(
        "pi_signed_rejected",
        order,
        pi,
        recipients=customer_recipients(order),
        rows=[(_("Reason"), document.reason)],
    )
    return document
