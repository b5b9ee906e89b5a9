"""What portal users change about themselves and their company."""

from django.db import transaction

from customers.models import Contact, Customer
from customers.services import changes_between, record_activity, snapshot, update_contact

COMPANY_FIELDS = ["email", "phone", "fax", "website", "address"]


@transaction.atomic
def update_own_details(*, contact: Contact, by, **fields) -> Contact:
    """A portal user changes their own contact details (and their name on the login)."""
    contact = update_contact(contact=contact, by=by, **fields)
    if contact.user_id:
        user = contact.user
        user.first_name, user.last_name = contact.first_name, contact.last_name
        user.save(update_fields=["first_name", "last_name"])
    return contact


@transaction.atomic
def update_company_details(*, customer: Customer, by, **fields) -> Customer:
    """A portal user changes the company's contact details (and nothing else)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, COMPANY_FIELDS)
    for name in COMPANY_FIELDS:
        if name in fields:
            setattr(customer, name, fields[name])
    customer.save(update_fields=[*COMPANY_FIELDS, "updated_at"])
    changes = changes_between(before, snapshot(customer, COMPANY_FIELDS))
    if changes:
        record_activity(
            actor=by,
            verb="changed in the portal",
            target=customer,
            customer=customer,
            details=changes,
        )
    return customer
