"""Which conversations a portal user may read, and the inverse (who may read one, for emails).

Both follow the portal's rules for the documents involved: an order thread, or a ticket about an
order, is read only by users who see that order (`visible_orders`, "only show my own orders"
honoured); a ticket about a quotation needs the quotations area; any other ticket is read by
every portal user of the company. Registered with `conversations.audience` in apps.ready().
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, QuerySet

from conversations.models import Conversation
from sales.models import Order

from .access import AREA_KEY_PERMISSION, has_area, portal_customer
from .models import Area
from .querysets import visible_orders


def visible_conversations(conversations: QuerySet, user) -> QuerySet:
    """Of a customer's conversations (already scoped), the ones this portal user may read."""
    customer = portal_customer(user)
    if customer is None:
        return conversations.none()
    readable = Q(order__isnull=True, quotation__isnull=True)
    if has_area(user, Area.ORDERS):
        orders = visible_orders(Order.objects.filter(customer=customer), user)
        readable |= Q(order__in=orders)
    if has_area(user, Area.QUOTATIONS):
        readable |= Q(kind=Conversation.Kind.TICKET, quotation__isnull=False)
    return conversations.filter(readable)


def _portal_users(customer_id: int) -> QuerySet:
    return get_user_model().objects.filter(
        role="portal",
        is_active=True,
        contact__customer_id=customer_id,
        contact__customer__is_active=True,
    )


def _holding(area: str) -> QuerySet:
    # The same permission `has_area` checks, from the users' side.
    return ModelBackend().with_perm(AREA_KEY_PERMISSION[area], include_superusers=False)


def order_readers(order: Order) -> QuerySet:
    """The portal users who see an order: the orders area, and under "only show my own orders"
    only the one who placed it; a draft (a cart) only its owner."""
    users = _portal_users(order.customer_id).filter(pk__in=_holding(Area.ORDERS).values("pk"))
    own_only = Q(portal_access__own_orders_only=True)
    if order.placed_by_id is not None:
        own_only &= ~Q(pk=order.placed_by_id)
    users = users.exclude(own_only)
    if order.status == Order.Status.DRAFT:
        users = users.filter(pk=order.placed_by_id)
    return users.order_by("pk")


def conversation_readers(conversation: Conversation) -> QuerySet:
    """The portal users who may read a ticket (order threads follow `order_readers`)."""
    if conversation.order_id is not None:
        return order_readers(conversation.order)
    users = _portal_users(conversation.customer_id)
    if conversation.quotation_id is not None:
        users = users.filter(pk__in=_holding(Area.QUOTATIONS).values("pk"))
    return users.order_by("pk")
