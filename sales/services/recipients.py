"""Who an order email goes to, on each side: the customer's people and the staff in charge."""

from lumytic.accounts.audience import staff_audience
from notifications.services import Recipient

from ..models import Order


def contact_recipients(contact) -> list[Recipient]:
    """A customer contact as an email recipient: through their portal login when they have one."""
    if contact is None:
        return []
    user = contact.user if contact.user_id else None
    if user is not None and user.is_active and user.email:
        return [Recipient.from_user(user)]
    if not contact.email:
        return []
    return [Recipient(email=contact.email, name=str(contact), side="portal")]


def customer_recipients(order: Order) -> list[Recipient]:
    """The customer's side of an order email: who placed it, else the primary contact."""
    user = order.placed_by
    if user is not None and user.is_active:
        return [Recipient.from_user(user)]
    primary = order.customer.contacts.filter(is_primary=True).select_related("user").first()
    return contact_recipients(primary)


def owner_recipients(order: Order) -> list[Recipient]:
    """The order owner; without one, the shared staff fallback (never nobody)."""
    return [Recipient.from_user(user) for user in staff_audience(owner=order.owner)]


def advisor_recipients(order: Order) -> list[Recipient]:
    """The customer advisor; without one, the order owner, then the shared staff fallback."""
    users = staff_audience(wanted=[order.customer.advisor], owner=order.owner)
    return [Recipient.from_user(user) for user in users]
