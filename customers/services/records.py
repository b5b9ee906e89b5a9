"""Writes for customer records. Each function owns its transaction."""

from typing import Any

from django.db import transaction

from lumytic.core.services import allocate_number

from ..models import Contact, Customer, CustomerGroup
from .activity import record_activity


@transaction.atomic
def create_customer(*, by, name: str, **fields: Any) -> Customer:
    """Create a numbered customer and record it on its timeline."""
    fields.setdefault("group", CustomerGroup.default())
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
