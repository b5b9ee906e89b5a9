"""PI memos and signed memos: the only place a memo's status, or the order's memo steps, change.

Each step locks the order first, then the PI, then the memo or document (the order every PI step
uses, so two steps never deadlock), checks the transition tables, writes the order's timeline
entry and queues its emails, all in one transaction.
"""

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_perm, stored_user
from lumytic.core.services import allocate_number
from notifications.services import Attachment

from ..models import (
    MEMO_MAX_CHARS,
    Memo,
    Order,
    ProformaInvoice,
    SignedDocument,
)
from ..pdf import render_memo_pdf
from .invoicing import InvoiceError, lock_pi, notify_pi
from .orders import move_order
from .payments import pi_links
from .recipients import customer_recipients, owner_recipients
from .signed_copies import keep_signed_version, review_signed_copy

# The order states in which staff may write (and send) a memo.
MEMO_ALLOWED = {Order.Status.PI_APPROVED, Order.Status.MEMO_SIGNED}


class MemoError(InvoiceError):
    """A memo or signed-memo step the rules refuse; the message is for the user."""


def _notify(event: str, order: Order, pi: ProformaInvoice, memo: Memo, *, rows=(), **email):
    """Queue a memo step's email: a PI email that also names the memo."""
    notify_pi(
        event,
        order,
        pi,
        context={"memo": memo.number},
        rows=[(_("Memo"), memo.number), *rows],
        **email,
    )


def _locked_memo(memo: Memo) -> tuple[Order, ProformaInvoice, Memo]:
    order, pi = lock_pi(memo.pi)
    return order, pi, Memo.objects.select_for_update().get(pk=memo.pk)


def _locked_signed_memo(document: SignedDocument) -> tuple[Order, ProformaInvoice, SignedDocument]:
    order, pi = lock_pi(document.pi)
    document = (
        SignedDocument.objects.select_related("memo")
        .select_for_update(of=("self",))
        .get(pk=document.pk)
    )
    if not document.memo_id:
        raise MemoError(_("This is a signed proforma invoice, not a signed memo."))
    return order, pi, document


def _refuse_unless_memo_allowed(order: Order, pi: ProformaInvoice) -> None:
    if pi.status != ProformaInvoice.Status.SENT or order.status not in MEMO_ALLOWED:
        raise MemoError(
            _(
                "Order %(order)s is %(status)s; a memo can be written once the signed proforma "
                "invoice is approved, before payment."
            )
            % {"order": order, "status": order.get_status_display().lower()}
        )
    pending = SignedDocument.objects.filter(
        memo__pi=pi, status=SignedDocument.Status.PENDING
    ).exists()
    if pending:
        raise MemoError(_("Approve or reject the signed memo waiting for review first."))


@transaction.atomic
def write_memo(*, pi: ProformaInvoice, by, text: str) -> Memo:
    """Write a draft memo against a sent PI (payment instructions or amendments)."""
    require_perm(by, roles.ISSUE_DOCUMENTS)
    text = (text or "").strip()
    if not text:
        raise MemoError(_("Write the memo text."))
    if len(text) > MEMO_MAX_CHARS:
        raise MemoError(_("Keep the memo under %(max)s characters.") % {"max": MEMO_MAX_CHARS})
    order, pi = lock_pi(pi)
    _refuse_unless_memo_allowed(order, pi)
    if pi.memos.filter(status=Memo.Status.DRAFT).exists():
        raise MemoError(_("Send the draft memo of %(pi)s before writing another.") % {"pi": pi})
    memo = Memo.objects.create(
        number=allocate_number(kind="MEMO"),
        pi=pi,
        text=text,
        created_by=stored_user(by),
    )
    record_activity(
        actor=by,
        verb="memo written",
        target=order,
        customer=order.customer,
        details={"pi": pi.number, "memo": memo.number},
    )
    return memo


@transaction.atomic
def send_memo(*, memo: Memo, by) -> Memo:
    """Send a draft memo to the customer (`memo_sent`, PDF attached); the order: memo_sent."""
    require_perm(by, roles.ISSUE_DOCUMENTS)
    order, pi, memo = _locked_memo(memo)
    if not memo.can_become(Memo.Status.SENT):
        raise MemoError(_("Memo %(memo)s is already sent; it can't change.") % {"memo": memo})
    _refuse_unless_memo_allowed(order, pi)
    move_order(
        order,
        Order.Status.MEMO_SENT,
        by=by,
        verb="memo sent",
        details={"pi": pi.number, "memo": memo.number},
    )
    memo.status = Memo.Status.SENT
    memo.sent_at = timezone.now()
    memo.save(update_fields=["status", "sent_at", "updated_at"])
    _notify(
        "memo_sent",
        order,
        pi,
        memo,
        recipients=customer_recipients(order),
        attachments=[Attachment(f"{memo.number}.pdf", render_memo_pdf(memo), "application/pdf")],
    )
    return memo


@transaction.atomic
def upload_signed_memo(*, memo: Memo, by, file: File) -> SignedDocument:
    """Keep a new version of the signed memo (`memo_signed` to the owner); the order becomes
    memo_signed. The file is judged by its content and stored under a generated name."""
    order, pi, memo = _locked_memo(memo)
    latest_sent = pi.memos.filter(status=Memo.Status.SENT).order_by("-created_at", "-pk").first()
    if memo != latest_sent or not order.can_become(Order.Status.MEMO_SIGNED):
        raise MemoError(
            _("Order %(order)s is %(status)s; a signed memo can't be uploaded now.")
            % {"order": order, "status": order.get_status_display().lower()}
        )
    document = keep_signed_version(
        SignedDocument(pi=pi, memo=memo),
        by=by,
        file=file,
        versions=memo.signed_documents.all(),
        error=MemoError,
    )
    move_order(
        order,
        Order.Status.MEMO_SIGNED,
        by=by,
        verb="signed memo uploaded",
        details={"pi": pi.number, "memo": memo.number, "version": document.version},
    )
    _notify(
        "memo_signed",
        order,
        pi,
        memo,
        recipients=owner_recipients(order),
        rows=[(_("Version"), str(document.version))],
        links=pi_links(order),
    )
    return document


@transaction.atomic
def approve_signed_memo(*, document: SignedDocument, by) -> SignedDocument:
    """Accept the customer's signed memo; the order stays memo_signed, ready for payment."""
    order, pi, document = review_signed_copy(
        document, SignedDocument.Status.APPROVED, by=by, lock=_locked_signed_memo, error=MemoError
    )
    record_activity(
        actor=by,
        verb="signed memo approved",
        target=order,
        customer=order.customer,
        details={"pi": pi.number, "memo": document.memo.number, "version": document.version},
    )
    return document


@transaction.atomic
def reject_signed_memo(*, document: SignedDocument, by, reason: str) -> SignedDocument:
    """Refuse a signed memo with a reason (`memo_signed_rejected`); the order goes back to
    memo_sent, so the customer uploads it again."""
    order, pi, document = review_signed_copy(
        document,
        SignedDocument.Status.REJECTED,
        by=by,
        lock=_locked_signed_memo,
        error=MemoError,
        reason=reason,
        missing=_("Give the customer a reason for rejecting the signed memo."),
    )
    memo, reason = document.memo, document.reason
    move_order(
        order,
        Order.Status.MEMO_SENT,
        by=by,
        verb="signed memo rejected",
        details={
            "pi": pi.number,
            "memo": memo.number,
            "version": document.version,
            "reason": reason,
        },
    )
    _notify(
        "memo_signed_rejected",
        order,
        pi,
        memo,
        recipients=customer_recipients(order),
        rows=[(_("Reason"), reason)],
    )
    return document
