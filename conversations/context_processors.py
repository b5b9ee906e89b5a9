"""`inbox` for the office sidebar: conversations waiting for the sales team, all and mine.

Computed only when a template reads it, for staff only, in one query; never cached, so the
badge drops the moment someone answers.
"""

from django.db.models import Count
from django.utils.functional import SimpleLazyObject

from lumytic.core.access import is_office_user

from .models import Conversation, responsible_is


def inbox_count(user) -> dict[str, int]:
    """{"open": ..., "mine": ...} in one query."""
    return Conversation.objects.awaiting_staff().aggregate(
        open=Count("pk"), mine=Count("pk", filter=responsible_is(user))
    )


def inbox_counts(request) -> dict:
    def compute():
        user = getattr(request, "user", None)
        if not is_office_user(user):
            return {}
        return inbox_count(user)

    return {"inbox": SimpleLazyObject(compute)}
