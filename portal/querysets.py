"""Reads the portal's pages share: which of a customer's orders and quotations a portal user may
see, and an order's lines. Each takes a queryset already scoped to the user's customer."""

from django.db.models import Q, QuerySet

from sales.models import Order, OrderLine, Quotation


def visible_orders(orders: QuerySet, user) -> QuerySet:
    """Of a customer's orders (already scoped), the ones this portal user may see.

    With "only show my own orders" that is the orders they placed; a draft is a private cart,
    so only the user who fills it sees it.
    """
    access = getattr(user, "portal_access", None)
    if access is not None and access.own_orders_only:
        orders = orders.filter(placed_by=user)
    return orders.filter(~Q(status=Order.Status.DRAFT) | Q(placed_by=user))


def visible_quotations() -> QuerySet:
    """Quotations a customer may see: every one but drafts (still being written)."""
    return Quotation.objects.exclude(status=Quotation.Status.DRAFT)


def order_lines(order: Order) -> list[OrderLine]:
    """The order's lines with their products."""
    return list(OrderLine.objects.filter(order=order).select_related("product"))
