"""Payments and applied credits: the only place a payment's status, or the order's, changes here.

Each step locks the order first, then the PI, then the payment or credit (the order used by
every PI step, so two steps never deadlock), checks the transition tables, writes the order's
timeline entry and queues its emails, all in one transaction.

The order follows its PI's money: paid once confirmed payments and applied credits cover the PI
total; payment_uploaded while a proof awaits review; otherwise back to awaiting payment.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from customers.models import Credit
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import large_credit_message, may_grant_credit, require_perm, stored_user
from lumytic.core.reasons import required_reason
from lumytic.core.uploads import display_name, file_kind, fingerprint

from ..models import (
    MONEY_DIGITS,
    PROOF_VALIDATOR,
    Cancellation,
    CreditApplication,
    Memo,
    Order,
    Payment,
    ProformaInvoice,
    SignedDocument,
)
from ..totals import money_text, quantize
from .invoicing import InvoiceError, lock_pi, notify_pi
from .orders import move_order, order_links
from .recipients import customer_recipients, owner_recipients

ZERO = Decimal("0")
# The order states in which the customer may pay (a further partial payment included).
PAYABLE = {Order.Status.PI_APPROVED, Order.Status.MEMO_SIGNED, Order.Status.PAYMENT_UPLOADED}
MAX_REFERENCE = 100
MAX_REASON = 2000


class PaymentError(InvoiceError):
    """A payment or credit step the rules refuse; the message is for the user."""


def pi_balance(pi: ProformaInvoice) -> tuple[Decimal, Decimal, Decimal]:
    """(confirmed payments, applied credits, still due) of a PI, as `with_amounts()` defines
    them; what is due is never below zero."""
    money = (
        ProformaInvoice.objects.with_amounts().values("paid", "credited", "balance").get(pk=pi.pk)
    )
    return (
        quantize(money["paid"], pi.currency),
        quantize(money["credited"], pi.currency),
        quantize(money["balance"], pi.currency),
    )


def refresh_pi_money(pi: ProformaInvoice) -> None:
    """Store on the PI the sums `with_amounts()` reads: confirmed and pending payments, applied
    credits and what a completed cancellation wrote off. Every step that moves money calls it,
    inside its transaction, after its own write."""
    confirmed = Q(status=Payment.Status.CONFIRMED)
    payments = Payment.objects.filter(pi=pi).aggregate(
        paid=Sum("amount", filter=confirmed, default=ZERO),
        # What overpaid the PI is the customer's credit, not money paid on this PI.
        extra=Sum("excess_credit__amount", filter=confirmed, default=ZERO),
        pending=Sum("amount", filter=Q(status=Payment.Status.PENDING), default=ZERO),
    )
    written_off = Cancellation.objects.filter(
        order_id=pi.order_id, status=Cancellation.Status.COMPLETED
    ).aggregate(s=Sum("reversed_amount", default=ZERO))["s"]
    ProformaInvoice.objects.filter(pk=pi.pk).update(
        money_paid=payments["paid"] - payments["extra"],
        money_pending=payments["pending"],
        money_credited=CreditApplication.objects.filter(pi=pi).aggregate(
            s=Sum("amount", default=ZERO)
        )["s"],
        money_written_off=written_off,
    )


def credit_remaining(credit: Credit) -> Decimal:
    applied = credit.applications.aggregate(s=Sum("amount"))["s"] or ZERO
    return credit.amount - applied


def pi_links(order: Order) -> dict[str, str]:
    """The order pages on both sides, opened at the PI section ("PI Details")."""
    return {side: url + "#proforma-invoice" for side, url in order_links(order).items()}


def _clean_amount(amount, currency: str) -> Decimal:
    try:
        amount = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError) as error:
        raise PaymentError(_("Enter the amount as a number.")) from error
    if not amount.is_finite() or amount <= 0:
        raise PaymentError(_("The amount must be more than zero."))
    if quantize(amount, currency) != amount:
        raise PaymentError(
            _("%(currency)s amounts have at most %(places)s decimals.")
            % {"currency": currency, "places": -quantize(Decimal(1), currency).as_tuple().exponent}
        )
    if amount >= Decimal(10) ** (MONEY_DIGITS - 3):
        raise PaymentError(_("The amount is too large."))
    return amount


def _awaiting_payment_status(pi: ProformaInvoice) -> str:
    """Where an order waits for money: memo_signed once the PI's latest memo is signed (and not
    rejected), otherwise pi_approved."""
    memo = Memo.objects.sent().filter(pi=pi).order_by("-created_at", "-pk").first()
    if memo is not None:
        latest = memo.signed_documents.order_by("-version").values_list("status", flat=True)
        if latest.first() in (SignedDocument.Status.APPROVED, SignedDocument.Status.PENDING):
            return Order.Status.MEMO_SIGNED
    return Order.Status.PI_APPROVED


def _settle(order: Order, pi: ProformaInvoice, *, by, verb: str, amount: str, **extra) -> str:
    """After a step that moved money: store the PI's sums, record the step (the PI, the
    `amount` and `extra` details) and move the order to where the PI's money now puts it."""
    refresh_pi_money(pi)
    details = {"pi": pi.number, "amount": amount, **extra}
    if order.status == Order.Status.PAID:
        record_activity(actor=by, verb=verb, target=order, customer=order.customer, details=details)
        return order.status
    _paid, _credited, outstanding = pi_balance(pi)
    if outstanding <= 0:
        target = Order.Status.PAID
    elif pi.payments.pending().exists():
        target = Order.Status.PAYMENT_UPLOADED
    else:
        target = _awaiting_payment_status(pi)
    if target == order.status:
        record_activity(actor=by, verb=verb, target=order, customer=order.customer, details=details)
    elif target == Order.Status.PAID:
        # Money received passes through payment_uploaded, as the workflow table draws it.
        if order.status != Order.Status.PAYMENT_UPLOADED:
            move_order(order, Order.Status.PAYMENT_UPLOADED, by=by, verb=verb, details=details)
        else:
            record_activity(
                actor=by, verb=verb, target=order, customer=order.customer, details=details
            )
        move_order(order, Order.Status.PAID, by=by, verb="order paid", details={"pi": pi.number})
    else:
        move_order(order, target, by=by, verb=verb, details=details)
    return target


def _payment_details(payment: Payment) -> list[tuple[str, str]]:
    return [
        (_("Amount"), money_text(payment.amount, payment.currency)),
        (_("Payment date"), payment.paid_on.isoformat()),
        (_("Bank reference"), payment.bank_reference),
    ]


@transaction.atomic
def upload_payment(
    *, pi: ProformaInvoice, by, amount, paid_on: date, bank_reference: str, file: File
) -> Payment:
    """Keep the customer's SWIFT proof for review (`payment_uploaded` to the order owner)."""
    order, pi = lock_pi(pi)
    if pi.status != ProformaInvoice.Status.SENT or order.status not in PAYABLE:
        raise PaymentError(
            _("Order %(order)s is %(status)s; a payment can't be uploaded now.")
            % {"order": order, "status": order.get_status_display().lower()}
        )
    amount = _clean_amount(amount, pi.currency)
    if paid_on is None or paid_on > timezone.localdate():
        raise PaymentError(_("The payment date can't be in the future."))
    bank_reference = (bank_reference or "").strip()
    if not bank_reference or len(bank_reference) > MAX_REFERENCE:
        raise PaymentError(
            _("Enter the bank reference of the transfer (at most %(max)s characters).")
            % {"max": MAX_REFERENCE}
        )
    _paid, _credited, outstanding = pi_balance(pi)
    if amount > outstanding:
        raise PaymentError(
            _("The amount is more than the %(outstanding)s still due on %(pi)s.")
            % {"outstanding": money_text(outstanding, pi.currency), "pi": pi}
        )
    try:
        PROOF_VALIDATOR(file)
    except ValidationError as error:
        raise PaymentError(" ".join(error.messages)) from error
    size, sha256 = fingerprint(file)
    original = display_name(getattr(file, "name", ""), kind=file_kind(file))
    payment = Payment(
        pi=pi,
        amount=amount,
        currency=pi.currency,
        paid_on=paid_on,
        bank_reference=bank_reference,
        original_name=original,
        size=size,
        sha256=sha256,
        uploaded_by=stored_user(by),
    )
    payment.file.save(original, file, save=False)
    payment.save()
    _settle(
        order,
        pi,
        by=by,
        verb="payment uploaded",
        amount=money_text(amount, pi.currency),
    )
    # Seed 001 lists the memo number too: the latest memo the customer was sent, if any.
    memo = pi.memos.sent().first()
    memo_row = [(_("Memo"), memo.number)] if memo else []
    notify_pi(
        "payment_uploaded",
        order,
        pi,
        recipients=owner_recipients(order),
        rows=[*memo_row, *_payment_details(payment)],
        links=pi_links(order),
    )
    return payment


def _locked_payment(payment: Payment) -> tuple[Order, ProformaInvoice, Payment]:
    order, pi = lock_pi(payment.pi)
    return order, pi, Payment.objects.select_for_update().get(pk=payment.pk)


def _require_pending(payment: Payment) -> None:
    if payment.status != Payment.Status.PENDING:
        raise PaymentError(
            _("This payment is %(status)s; only a payment awaiting review can be decided.")
            % {"status": payment.get_status_display().lower()}
        )


def _decide(payment: Payment, status: str, *, by, reason: str = "") -> None:
    if not payment.can_become(status):
        _require_pending(payment)
    payment.status = status
    payment.reason = reason
    payment.decided_by = stored_user(by)
    payment.decided_at = timezone.now()
    payment.save(update_fields=["status", "reason", "decided_by", "decided_at"])


class Overpay(models.TextChoices):
    """What to do with a payment that is more than its PI still wants."""

    CREDIT = "credit", _l("Credit the extra to the customer")
    REFUSE = "refuse", _l("Refuse the payment")


class OverpaymentUndecided(PaymentError):
    """A payment overpays its PI and no one said what to do with the extra."""


def overpayment(payment: Payment) -> Decimal:
    """How much a pending payment would pay beyond what is still due on its PI (zero if not)."""
    _paid, _credited, due = pi_balance(payment.pi)
    return max(payment.amount - due, ZERO)


def _overpay_text(payment: Payment, pi: ProformaInvoice, due: Decimal) -> dict:
    return {
        "amount": money_text(payment.amount, payment.currency),
        "due": money_text(due, pi.currency),
        "extra": money_text(payment.amount - due, pi.currency),
        "pi": pi,
    }


@transaction.atomic
def confirm_payment(*, payment: Payment, by, overpay: str = "") -> Payment:
    """Count a payment (`payment_confirmed` to the customer); paid once the PI is covered.

    A payment above what is still due needs `overpay`: CREDIT confirms it and keeps the extra
    as the customer's credit (a sales manager's decision), REFUSE rejects it."""
    require_perm(by, roles.CONFIRM_PAYMENT)
    order, pi, payment = _locked_payment(payment)
    _require_pending(payment)
    _paid, _credited, due = pi_balance(pi)
    extra = payment.amount - due
    credit = None
    if extra > 0:
        text = _overpay_text(payment, pi, due)
        manager = by is None or by.has_perm(roles.APPROVE_OVERPAYMENT)
        if overpay == Overpay.REFUSE:
            reason = _("The payment of %(amount)s is more than the %(due)s still due on %(pi)s.")
            return reject_payment(payment=payment, by=by, reason=reason % text)
        if overpay != Overpay.CREDIT:
            choice = (
                _("choose to credit the extra to the customer or to refuse the payment.")
                if manager
                else _(
                    "refuse it, or a sales manager must confirm an overpayment and credit the "
                    "extra to the customer."
                )
            )
            raise OverpaymentUndecided(
                _(
                    "This payment of %(amount)s is %(extra)s more than the %(due)s still due "
                    "on %(pi)s:"
                )
                % text
                + " "
                + choice
            )
        if not manager:
            raise PaymentError(
                _(
                    "This payment of %(amount)s is more than the %(due)s still due on %(pi)s; "
                    "a sales manager must confirm an overpayment."
                )
                % text
            )
        if not may_grant_credit(by, extra):
            raise PaymentError(large_credit_message(pi.currency))
        credit = Credit.objects.create(
            customer=order.customer,
            amount=extra,
            currency=pi.currency,
            reason=_("Overpaid on %(pi)s (bank reference %(reference)s)")
            % {"pi": pi.number, "reference": payment.bank_reference[:100]},
            created_by=stored_user(by),
        )
        record_activity(
            actor=by,
            verb="credit added",
            target=credit,
            customer=order.customer,
            details={"amount": str(extra), "currency": pi.currency, "reason": credit.reason},
        )
    _decide(payment, Payment.Status.CONFIRMED, by=by)
    if credit is not None:
        payment.excess_credit = credit
        payment.save(update_fields=["excess_credit"])
    _settle(
        order,
        pi,
        by=by,
        verb="payment confirmed",
        amount=money_text(payment.amount, payment.currency),
    )
    _paid, _credited, still_due = pi_balance(pi)
    credited_row = (
        [(_("Credited to you"), money_text(credit.amount, credit.currency))] if credit else []
    )
    notify_pi(
        "payment_confirmed",
        order,
        pi,
        recipients=customer_recipients(order),
        rows=[
            *_payment_details(payment),
            *credited_row,
            (_("Still due"), money_text(still_due, pi.currency)),
        ],
    )
    return payment


@transaction.atomic
def reject_payment(*, payment: Payment, by, reason: str) -> Payment:
    """Refuse a payment with a reason (`payment_rejected` to the customer); it never counts."""
    require_perm(by, roles.CONFIRM_PAYMENT)
    reason = required_reason(
        reason,
        missing=_("Give the customer a reason for rejecting the payment."),
        error=PaymentError,
        max_chars=MAX_REASON,
    )
    order, pi, payment = _locked_payment(payment)
    _decide(payment, Payment.Status.REJECTED, by=by, reason=reason)
    _settle(
        order,
        pi,
        by=by,
        verb="payment rejected",
        amount=money_text(payment.amount, payment.currency),
        reason=reason,
    )
    notify_pi(
        "payment_rejected",
        order,
        pi,
        recipients=customer_recipients(order),
        rows=[*_payment_details(payment), (_("Reason"), reason)],
    )
    return payment


@transaction.atomic
def apply_credit(*, pi: ProformaInvoice, by, credit: Credit, amount) -> CreditApplication:
    """Use part of the customer's credit on a PI, within what is left of both."""
    require_perm(by, roles.MANAGE_CREDITS)
    order, pi = lock_pi(pi)
    credit = Credit.objects.select_for_update().get(pk=credit.pk)
    if pi.status != ProformaInvoice.Status.SENT or order.status not in PAYABLE:
        raise PaymentError(
            _("Order %(order)s is %(status)s; a credit can't be applied now.")
            % {"order": order, "status": order.get_status_display().lower()}
        )
    if credit.customer_id != order.customer_id:
        raise PaymentError(_("This credit belongs to another customer."))
    if credit.currency != pi.currency:
        raise PaymentError(
            _("Only a credit in %(currency)s can be applied to %(pi)s.")
            % {"currency": pi.currency, "pi": pi}
        )
    amount = _clean_amount(amount, pi.currency)
    remaining = credit_remaining(credit)
    if amount > remaining:
        raise PaymentError(
            _("Only %(remaining)s of this credit is left.")
            % {"remaining": money_text(remaining, credit.currency)}
        )
    if not may_grant_credit(by, amount):
        raise PaymentError(large_credit_message(pi.currency))
    _paid, _credited, outstanding = pi_balance(pi)
    if amount > outstanding:
        raise PaymentError(
            _("The amount is more than the %(outstanding)s still due on %(pi)s.")
            % {"outstanding": money_text(outstanding, pi.currency), "pi": pi}
        )
    application = CreditApplication.objects.create(
        pi=pi, credit=credit, amount=amount, applied_by=stored_user(by)
    )
    _settle(
        order,
        pi,
        by=by,
        verb="credit applied",
        amount=money_text(amount, pi.currency),
    )
    return application
