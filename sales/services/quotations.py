"""Quotations and the product catalogue: the only place they are written (DESIGN.md §3, §4).

Each quotation step locks the row, checks the transition table on the model, writes the
quotation's timeline entry and queues its emails, all in one transaction.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Contact, Customer
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_office_perm, require_perm, stored_user
from lumytic.core.pages import side_links
from lumytic.core.reasons import required_reason
from lumytic.core.services import allocate_number
from lumytic.core.workflow import StepRefused, require_step
from notifications.services import Attachment, Recipient, notify

from ..models import Order, Product, Quotation, QuotationLine
from ..totals import money_text
from .lines import replace_lines
from .orders import (
    LINE_FIELDS,
    catalogue_line,
    confirm_order,
    create_order_from_quotation,
    line_values,
)
from .recipients import contact_recipients

VALID_FOR_DAYS = 30
MAX_QUANTITY = Decimal(10) ** 9  # numeric(12, 3)
MAX_PRICE = Decimal(10) ** 12  # numeric(14, 2)
MAX_LINES = 200


class QuotationError(StepRefused):
    """A quotation change the rules refuse; the message is for the user."""


# --- Helpers -------------------------------------------------------------------------------------


def default_valid_until(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=VALID_FOR_DAYS)


def _locked(quotation: Quotation) -> Quotation:
    return (
        Quotation.objects.select_for_update(of=("self",))
        .select_related("customer", "contact")
        .get(pk=quotation.pk)
    )


def _move(quotation: Quotation, status: str, *, by, verb: str, details: dict | None = None) -> None:
    """Change the status after checking the table, and record it on the quotation's timeline."""
    require_step(quotation, status)
    quotation.status = status
    quotation.save(
        update_fields=["status", "decline_reason", "decided_at", "sent_at", "updated_at"]
    )
    record_activity(
        actor=by, verb=verb, target=quotation, customer=quotation.customer, details=details
    )


def _require_draft(quotation: Quotation) -> None:
    if quotation.status != Quotation.Status.DRAFT:
        raise QuotationError(
            _("Quotation %(quotation)s is %(status)s; only a draft can be changed.")
            % {"quotation": quotation, "status": quotation.get_status_display().lower()}
        )


def links(quotation: Quotation) -> dict[str, str]:
    """Where a quotation's email button leads, on each side."""
    office = reverse("sales:quotation-detail", args=[quotation.pk])
    return side_links(office, "customer-quotation", quotation.pk)


def quotation_recipients(quotation: Quotation) -> list[Recipient]:
    """The chosen contact, else the primary one; through their portal login when they have one."""
    contact = quotation.contact
    if contact is None:
        contact = quotation.customer.contacts.filter(is_primary=True).first()
    return contact_recipients(contact)


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise QuotationError(_("%(label)s must be a number.") % {"label": label}) from None
    if not number.is_finite():
        raise QuotationError(_("%(label)s must be a number.") % {"label": label})
    return number


def _clean_lines(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check every line the way the database would, so a bad line never reaches it."""
    cleaned = []
    for line in lines:
        unknown = set(line) - set(LINE_FIELDS)
        if unknown:
            raise TypeError(f"Not a line field: {', '.join(sorted(unknown))}")
        product = line.get("product")
        if product is not None and not isinstance(product, Product):
            raise TypeError("A line's product must be a Product or None.")
        description = str(line.get("description") or (product.name if product else "")).strip()
        if not description:
            raise QuotationError(_("Each line needs a description."))
        quantity = _decimal(line.get("quantity"), _("Quantity"))
        price = _decimal(line.get("unit_price", 0), _("Unit price"))
        discount = _decimal(line.get("discount_percent", 0), _("Discount"))
        tax = _decimal(line.get("tax_rate", 0), _("Tax"))
        if quantity <= 0:
            raise QuotationError(_("Each line needs a quantity above zero."))
        if price < 0:
            raise QuotationError(_("A price cannot be negative."))
        if not (0 <= discount <= 100 and 0 <= tax <= 100):
            raise QuotationError(_("Discount and tax are percentages between 0 and 100."))
        if quantity >= MAX_QUANTITY or price >= MAX_PRICE:
            raise QuotationError(_("These amounts are too large for one quotation."))
        cleaned.append(
            {
                "product": product,
                "description": description[:300],
                "quantity": quantity,
                "unit_price": price,
                "discount_percent": discount,
                "tax_rate": tax,
            }
        )
    if not cleaned:
        raise QuotationError(_("A quotation needs at least one line."))
    if len(cleaned) > MAX_LINES:
        raise QuotationError(_("A quotation can have at most %(max)s lines.") % {"max": MAX_LINES})
    return cleaned


def _write_lines(quotation: Quotation, lines: list[dict[str, Any]]) -> None:
    """Replace the quotation's lines and store the totals computed from them."""
    rows = [
        QuotationLine(quotation=quotation, position=index, **line)
        for index, line in enumerate(lines)
    ]
    replace_lines(
        quotation,
        rows,
        error=QuotationError,
        too_large=_("These amounts are too large for one quotation."),
    )


def _check_header(
    *, customer: Customer, contact: Contact | None, valid_until: date, currency: str
) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise QuotationError(_("The contact must be one of %(name)s's.") % {"name": customer.name})
    if valid_until < timezone.localdate():
        raise QuotationError(_("The valid-until date cannot be in the past."))
    if not currency or len(currency) != 3:
        raise QuotationError(_("Choose the quotation's currency."))


def _line_snapshot(quotation: Quotation) -> str:
    return "; ".join(f"{line.quantity:f} × {line.description}" for line in quotation.lines.all())


# --- Pricing from the catalogue ------------------------------------------------------------------


def price_product(
    *, product: Product, customer: Customer, currency: str, on: date | None = None
) -> dict[str, Any]:
    """A quotation line for one unit of a catalogue product, in the quotation's currency."""
    try:
        return catalogue_line(
            product=product,
            quantity=Decimal(1),
            customer=customer,
            currency=currency,
            on=on or timezone.localdate(),
        )
    except StepRefused as error:
        raise QuotationError(str(error)) from error


# --- Steps ---------------------------------------------------------------------------------------


@transaction.atomic
def create_quotation(
    *,
    customer: Customer,
    by,
    lines: Iterable[dict[str, Any]],
    currency: str = "",
    contact: Contact | None = None,
    valid_until: date | None = None,
    terms: str = "",
) -> Quotation:
    """Create a draft quotation with its number, lines and totals."""
    require_office_perm(by, roles.CHANGE_QUOTATION)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.is_active:
        raise QuotationError(
            _("%(name)s is inactive; it cannot be quoted.") % {"name": customer.name}
        )
    currency = (currency or customer.default_currency).upper()
    valid_until = valid_until or default_valid_until()
    _check_header(customer=customer, contact=contact, valid_until=valid_until, currency=currency)
    cleaned = _clean_lines(lines)
    quotation = Quotation.objects.create(
        number=allocate_number(kind="QUO"),
        customer=customer,
        contact=contact,
        currency=currency,
        valid_until=valid_until,
        terms=terms.strip(),
        created_by=stored_user(by),
    )
    _write_lines(quotation, cleaned)
    record_activity(actor=by, verb="quotation created", target=quotation, customer=customer)
    return quotation


def _snapshot(quotation: Quotation) -> dict[str, str]:
    """What an update's activity entry compares, before and after the change."""
    return {
        "contact": str(quotation.contact or "—"),
        "currency": quotation.currency,
        "valid_until": quotation.valid_until.isoformat(),
        "total": money_text(quotation.total, quotation.currency),
        "lines": _line_snapshot(quotation),
    }


@transaction.atomic
def update_quotation(
    *,
    quotation: Quotation,
    by,
    lines: Iterable[dict[str, Any]],
    currency: str,
    contact: Contact | None,
    valid_until: date,
    terms: str = "",
) -> Quotation:
    """Change a draft quotation's header and lines; anything else is refused."""
    require_office_perm(by, roles.CHANGE_QUOTATION)
    quotation = _locked(quotation)
    _require_draft(quotation)
    currency = currency.upper()
    _check_header(
        customer=quotation.customer, contact=contact, valid_until=valid_until, currency=currency
    )
    cleaned = _clean_lines(lines)
    before = _snapshot(quotation)
    quotation.contact = contact
    quotation.currency = currency
    quotation.valid_until = valid_until
    quotation.terms = terms.strip()
    quotation.save(update_fields=["contact", "currency", "valid_until", "terms", "updated_at"])
    _write_lines(quotation, cleaned)
    after = _snapshot(quotation)
    record_activity(
        actor=by,
        verb="quotation updated",
        target=quotation,
        customer=quotation.customer,
        details={key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return quotation


@transaction.atomic
def send_quotation(*, quotation: Quotation, by) -> Quotation:
    """Send a draft to the customer (`quotation_sent` with the PDF attached)."""
    require_perm(by, roles.ISSUE_DOCUMENTS)
    from ..pdf import render_quotation_pdf  # WeasyPrint loads only when a PDF is needed

    quotation = _locked(quotation)
    require_step(quotation, Quotation.Status.SENT)
    if not quotation.lines.exists():
        raise QuotationError(_("Add at least one line before sending."))
    if quotation.valid_until < timezone.localdate():
        raise QuotationError(_("The valid-until date has passed; edit it before sending."))
    recipients = quotation_recipients(quotation)
    if not recipients:
        raise QuotationError(
            _("Nobody to send it to: give the contact (or the primary contact) an email address.")
        )
    quotation.sent_at = timezone.now()
    _move(
        quotation,
        Quotation.Status.SENT,
        by=by,
        verb="quotation sent",
        details={"to": ", ".join(r.email for r in recipients)},
    )
    notify(
        "quotation_sent",
        recipients=recipients,
        context={"quotation": quotation.number, "company": quotation.customer.name},
        details=[
            (_("Quotation"), quotation.number),
            (_("Valid until"), quotation.valid_until),  # a date: shown in the reader's language
            (_("Total"), money_text(quotation.total, quotation.currency)),
        ],
        links=links(quotation),
        attachments=[
            Attachment(
                filename=f"{quotation.number}.pdf",
                content=render_quotation_pdf(quotation),
                mimetype="application/pdf",
            )
        ],
    )
    return quotation


@transaction.atomic
def accept_quotation(
    *,
    quotation: Quotation,
    by,
    billing: dict[str, str] | None = None,
    shipping: dict[str, str] | None = None,
) -> Order:
    """The customer accepts a sent, unexpired quotation: it becomes an order, in one step.

    With ``billing`` (and ``shipping``, None meaning the same) the order is confirmed in the
    same transaction, so the customer confirms once (DESIGN.md §4); the portal always gives them.
    """
    require_office_perm(by, roles.CHANGE_QUOTATION)
    quotation = _locked(quotation)
    customer_of_user = getattr(getattr(by, "contact", None), "customer_id", None)
    if getattr(by, "role", "") == "portal" and customer_of_user != quotation.customer_id:
        raise QuotationError(_("Only the customer's own users can accept this quotation."))
    require_step(quotation, Quotation.Status.ACCEPTED)
    if quotation.valid_until < timezone.localdate():
        raise QuotationError(
            _("Quotation %(quotation)s expired on %(day)s; ask us for a new one.")
            % {"quotation": quotation, "day": date_format(quotation.valid_until, "DATE_FORMAT")}
        )
    quotation.decided_at = timezone.now()
    _move(quotation, Quotation.Status.ACCEPTED, by=by, verb="quotation accepted")
    try:
        order = create_order_from_quotation(quotation=quotation, by=by)
        if billing is not None:
            order = confirm_order(order=order, by=by, billing=billing, shipping=shipping)
    except StepRefused as error:
        raise QuotationError(str(error)) from error  # the atomic block undoes the acceptance
    return order


@transaction.atomic
def decline_quotation(*, quotation: Quotation, by, reason: str) -> Quotation:
    """Record that the customer declined a draft or sent quotation, and why."""
    require_office_perm(by, roles.CHANGE_QUOTATION)
    reason = required_reason(
        reason, missing=_("Say why the quotation is declined."), error=QuotationError
    )
    quotation = _locked(quotation)
    require_step(quotation, Quotation.Status.DECLINED)
    quotation.decline_reason = reason[:2000]
    quotation.decided_at = timezone.now()
    _move(
        quotation,
        Quotation.Status.DECLINED,
        by=by,
        verb="quotation declined",
        details={"reason": quotation.decline_reason},
    )
    return quotation


def expire_quotations(today: date | None = None) -> int:
    """Expire every sent quotation whose valid-until day is before `today`; return how many."""
    today = today or timezone.localdate()
    due = Quotation.objects.filter(status=Quotation.Status.SENT, valid_until__lt=today)
    expired = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            # A row someone is accepting right now is skipped; its decision wins.
            quotation = (
                Quotation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("customer")
                .filter(pk=pk, status=Quotation.Status.SENT, valid_until__lt=today)
                .first()
            )
            if quotation is None:
                continue
            quotation.decided_at = timezone.now()
            _move(
                quotation,
                Quotation.Status.EXPIRED,
                by=None,
                verb="quotation expired",
                details={"valid until": quotation.valid_until.isoformat()},
            )
            expired += 1
    return expired


@transaction.atomic
def duplicate_quotation(*, quotation: Quotation, by) -> Quotation:
    """A new draft with a new number, the same customer, contact and lines, valid from today."""
    require_perm(by, roles.CHANGE_QUOTATION)
    source = Quotation.objects.select_related("customer", "contact").get(pk=quotation.pk)
    contact = source.contact
    if contact is not None and contact.customer_id != source.customer_id:
        contact = None
    copy = create_quotation(
        customer=source.customer,
        by=by,
        lines=line_values(source.lines.all()),
        currency=source.currency,
        contact=contact,
        terms=source.terms,
    )
    record_activity(
        actor=by,
        verb="quotation duplicated",
        target=copy,
        customer=copy.customer,
        details={"from": source.number},
    )
    return copy
