"""Contacts of a customer: exactly one primary, which can't be deleted."""

from django.db import transaction
from django.utils.translation import gettext as _

from lumytic.accounts import roles
from lumytic.core.access import require_office_perm

from ..models import Contact, Customer
from .activity import record_activity
from .records import CustomerError


def _locked_contact(contact: Contact) -> Contact:
    """The contact, read again under its customer's lock, which serialises contact changes so
    there is always exactly one primary."""
    Customer.objects.select_for_update().get(pk=contact.customer_id)
    return Contact.objects.get(pk=contact.pk)


@transaction.atomic
def delete_contact(*, contact: Contact, by) -> None:
    """Delete a contact; the primary one is refused."""
    require_office_perm(by, roles.CHANGE_CUSTOMER)
    contact = _locked_contact(contact)
    if contact.is_primary:
        raise CustomerError(
            _("The primary contact cannot be deleted. Make another one primary first.")
        )
    record_activity(
        actor=by,
        verb="contact deleted",
        target=contact,
        customer=contact.customer,
        details={"email": contact.email},
    )
    contact.delete()


@transaction.atomic
def make_primary_contact(*, contact: Contact, by) -> Contact:
    """Make this contact the customer's primary one (the old primary stays as a contact)."""
    require_office_perm(by, roles.CHANGE_CUSTOMER)
    contact = _locked_contact(contact)
    if contact.is_primary:
        return contact
    Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).update(
        is_primary=False
    )
    contact.is_primary = True
    contact.save(update_fields=["is_primary"])
    record_activity(actor=by, verb="primary contact set", target=contact, customer=contact.customer)
    return contact
