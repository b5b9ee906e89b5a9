"""Writes for customer records. Each function owns its transaction and records activity."""

from .activity import changes_between, record_activity, snapshot
from .contacts import delete_contact, make_primary_contact
from .documents import add_customer_document
from .notes import add_credit, add_note, credit_totals, delete_note, update_note
from .records import (
    CustomerError,
    add_contact,
    create_customer,
    customer_documents,
    delete_customer,
    delete_group,
    save_group,
    set_customer_active,
    update_contact,
    update_customer,
)
from .reminders import add_reminder, delete_reminder

__all__ = [
    "CustomerError",
    "add_contact",
    "add_credit",
    "add_customer_document",
    "add_note",
    "add_reminder",
    "changes_between",
    "create_customer",
    "credit_totals",
    "customer_documents",
    "delete_contact",
    "delete_customer",
    "delete_group",
    "delete_note",
    "delete_reminder",
    "make_primary_contact",
    "record_activity",
    "save_group",
    "set_customer_active",
    "snapshot",
    "update_contact",
    "update_customer",
    "update_note",
]
