"""Reminders: staff are emailed once when a reminder about a customer comes due."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumytic.accounts import roles
from lumytic.accounts.audience import staff_audience
from lumytic.core.access import require_perm
from notifications.services import notify

from ..models import Customer, Reminder
from .activity import record_activity
from .records import CustomerError

BATCH = 200


@transaction.atomic
def add_reminder(*, customer: Customer, by, staff, due_at, text: str) -> Reminder:
    """Schedule a reminder about a customer for a staff member."""
    require_perm(by, roles.WRITE_NOTES)
    text = text.strip()
    if not text:
        raise CustomerError(_("Say what the reminder is about."))
    if due_at <= timezone.now():
        raise CustomerError(_("Choose a time in the future."))
    if getattr(staff, "role", None) != "staff" or not staff.is_active:
        raise CustomerError(_("Reminders go to active staff members only."))
    reminder = Reminder.objects.create(
        customer=customer, staff=staff, due_at=due_at, text=text, created_by=by
    )
    record_activity(
        actor=by,
        verb="reminder added",
        target=reminder,
        customer=customer,
        details={"due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"), "for": str(staff)},
    )
    return reminder


@transaction.atomic
def delete_reminder(*, reminder: Reminder, by) -> None:
    """Cancel a reminder that has not been emailed yet."""
    require_perm(by, roles.WRITE_NOTES)
    reminder = Reminder.objects.select_for_update().select_related("customer").get(pk=reminder.pk)
    if reminder.notified_at:
        raise CustomerError(_("This reminder was already emailed; it stays on record."))
    record_activity(actor=by, verb="reminder deleted", target=reminder, customer=reminder.customer)
    reminder.delete()


def send_due_reminders(*, now=None) -> int:
    """Email every reminder that is due and not yet emailed; return how many were sent."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            # skip_locked: a second run at the same moment takes other rows, never the same ones.
            due = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("customer", "staff")
                .filter(notified_at__isnull=True, due_at__lte=now)
                .order_by("due_at", "pk")[:BATCH]
            )
            for reminder in due:
                customer = reminder.customer
                notify(
                    "reminder_due",
                    recipients=staff_audience(wanted=[reminder.staff]),
                    context={"customer": customer.name},
                    details=[
                        (_("Customer"), f"{customer.name} ({customer.number})"),
                        (_("Due"), timezone.localtime(reminder.due_at).strftime("%Y-%m-%d %H:%M")),
                        (_("Reminder"), reminder.text),
                    ],
                    links={"office": customer.get_absolute_url()},
                )
            Reminder.objects.filter(pk__in=[r.pk for r in due]).update(notified_at=now)
        sent += len(due)
        if len(due) < BATCH:
            return sent
