"""Writes for customer records. Each function owns its transaction and records activity."""

from .activity import changes_between, record_activity, snapshot
from .records import add_contact, create_customer

__all__ = ["add_contact", "changes_between", "create_customer", "record_activity", "snapshot"]
