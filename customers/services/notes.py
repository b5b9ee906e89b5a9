"""Internal notes and credits on a customer's page."""

from decimal import Decimal

from babel.numbers import get_currency_precision
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from lumytic.accounts import roles
from lumytic.core.access import large_credit_message, may_grant_credit, require_perm

from ..models import Credit, Customer, Note
from .activity import record_activity
from .records import CustomerError


def _may_change(note: Note, by) -> bool:
    return note.author_id == by.pk or by.is_superuser or by.is_staff


@transaction.atomic
def add_note(*, customer: Customer, by, text: str) -> Note:
    """Write an internal note (never shown in the portal)."""
    require_perm(by, roles.WRITE_NOTES)
    text = text.strip()
    if not text:
        raise CustomerError(_("A note cannot be empty."))
    note = Note.objects.create(customer=customer, author=by, text=text)
    record_activity(actor=by, verb="note added", target=note, customer=customer)
    return note


@transaction.atomic
def update_note(*, note: Note, by, text: str) -> Note:
    """Change a note's text; only its author or an admin may."""
    require_perm(by, roles.WRITE_NOTES)
    note = Note.objects.select_for_update().get(pk=note.pk)
    if not _may_change(note, by):
        raise CustomerError(_("Only the note's author or an admin can change it."))
    text = text.strip()
    if not text:
        raise CustomerError(_("A note cannot be empty."))
    if text != note.text:
        old = note.text
        note.text = text
        note.save(update_fields=["text"])
        record_activity(
            actor=by,
            verb="note changed",
            target=note,
            customer=note.customer,
            details={"text": [old, text]},
        )
    return note


@transaction.atomic
def delete_note(*, note: Note, by) -> None:
    """Delete a note; only its author or an admin may."""
    require_perm(by, roles.WRITE_NOTES)
    note = Note.objects.select_for_update().select_related("customer").get(pk=note.pk)
    if not _may_change(note, by):
        raise CustomerError(_("Only the note's author or an admin can delete it."))
    record_activity(actor=by, verb="note deleted", target=note, customer=note.customer)
    note.delete()


@transaction.atomic
def add_credit(*, customer: Customer, by, amount: Decimal, currency: str, reason: str) -> Credit:
    """Record an amount owed back to the customer, usable on later proforma invoices."""
    require_perm(by, roles.MANAGE_CREDITS)
    if amount <= 0:
        raise CustomerError(_("A credit must be more than zero."))
    places = get_currency_precision(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise CustomerError(
            _("%(currency)s amounts have at most %(places)d decimals.")
            % {"currency": currency, "places": places}
        )
    if not may_grant_credit(by, amount):
        raise CustomerError(large_credit_message(currency))
    credit = Credit(customer=customer, amount=amount, currency=currency, reason=reason.strip())
    credit.created_by = by
    credit.full_clean()
    credit.save()
    record_activity(
        actor=by,
        verb="credit added",
        target=credit,
        customer=customer,
        details={"amount": str(amount), "currency": currency, "reason": credit.reason},
    )
    return credit


def credit_totals(customer: Customer) -> list[dict]:
    """Each currency's credit count and total for a customer, in one query."""
    return list(
        Credit.objects.filter(customer=customer)
        .values("currency")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("currency")
    )
