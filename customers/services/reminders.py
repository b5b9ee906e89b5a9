"""Reminders: staff are emailed once when a reminder about a customer comes due."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import Recipient, notify

from ..models import Reminder

BATCH = 200


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
                    recipients=[Recipient.from_user(reminder.staff)],
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
