"""Which portal users may read a conversation: the portal owns that rule, this app asks it.

`portal` sits above `conversations` (README), so the portal registers its answers here from its
AppConfig.ready(). Until something is registered, nobody on the customer's side may read
anything (default deny), so no email can reach the wrong person.
"""

from collections.abc import Callable, Iterable
from typing import Any

Readers = Callable[[Any], Iterable[Any]]

_readers: dict[str, Readers] = {}


def register_readers(*, order: Readers, conversation: Readers) -> None:
    """Set who may read an order's thread and who may read a conversation (active users)."""
    _readers["order"] = order
    _readers["conversation"] = conversation


def order_readers(order) -> list:
    """The portal users who may read an order and its thread."""
    reader = _readers.get("order")
    return list(reader(order)) if reader else []


def conversation_readers(conversation) -> list:
    """The portal users who may read a conversation."""
    if conversation.kind == conversation.Kind.ORDER:
        return order_readers(conversation.order)
    reader = _readers.get("conversation")
    return list(reader(conversation)) if reader else []
