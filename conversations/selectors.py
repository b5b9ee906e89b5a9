"""Reads both sides share."""

from .models import Conversation, Message


def thread_messages(conversation: Conversation | None, *, notes: bool) -> list[Message]:
    """A conversation's messages, oldest first, with authors, quotes and files (three queries).

    Only the office passes `notes=True`; the portal never reads an internal note.
    """
    if conversation is None:
        return []
    rows = conversation.messages.select_related("author", "reply_to__author").prefetch_related(
        "attachments"
    )
    if not notes:
        rows = rows.filter(kind=Message.Kind.MESSAGE)
    return list(rows)
