"""Writes for customer records. Each function owns its transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from lumytic.core.services import allocate_number

from .models import ActivityEntry, Contact, Customer


def record_activity(
    *,
    actor,
    verb: str,
    target: models.Model,
    customer: Customer | None = None,
    details: dict[str, Any] | None = None,
) -> ActivityEntry:
    """Write one timeline entry inside the caller's transaction."""
    return ActivityEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        customer=customer,
        details=details or {},
    )


@transaction.atomic
def create_customer(*, by, name: str, **fields: Any) -> Customer:
    """Create a numbered customer and record it on its timeline."""
    customer = Customer.objects.create(
        number=allocate_number(kind="CUS", yearly=False, width=6), name=name, **fields
    )
    record_activity(actor=by, verb="created", target=customer, customer=customer)
    return customer


@transaction.atomic
def add_contact(*, customer: Customer, by, **fields: Any) -> Contact:
    """Add a contact; the first contact of a customer becomes its primary one."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    has_primary = customer.contacts.filter(is_primary=True).exists()
    contact = Contact.objects.create(customer=customer, is_primary=not has_primary, **fields)
    record_activity(
        actor=by,
        verb="contact added",
        target=contact,
        customer=customer,
        details={"email": contact.email},
    )
    return contact
