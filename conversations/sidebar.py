"""The inbox's sidebar count (registered with lumytic.core.nav from ConversationsConfig.ready()):
conversations waiting for the sales team, read through the (status, waiting_since) index."""

from django.db import connection

from .models import Conversation

_OPEN = "SELECT COUNT(*) FROM {table} WHERE status = %s"


def conversations_awaiting_staff() -> tuple[str, list]:
    table = connection.ops.quote_name(Conversation._meta.db_table)
    return _OPEN.format(table=table), [Conversation.Status.OPEN]
