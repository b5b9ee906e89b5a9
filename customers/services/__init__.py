"""Writes for customer records. Each function owns its transaction and records activity."""

from .activity import changes_between, record_activity, snapshot
from .contacts import delete_contact, make_primary_contact
from .records import (
    CustomerError,
    add_contact,
    create_customer,
    customer_documents,
    delete_customer,
    delete_group,
    grant_portal_login,
    save_group,
    set_customer_active,
    update_contact,
    update_customer,
)

__all__ = [
    "CustomerError",
    "add_contact",
    "changes_between",
    "create_customer",
    "customer_documents",
    "delete_contact",
    "delete_customer",
    "delete_group",
    "grant_portal_login",
    "make_primary_contact",
    "record_activity",
    "save_group",
    "set_customer_active",
    "snapshot",
    "update_contact",
    "update_customer",
]
