"""The portal app's sidebar count (registered with lumytic.core.nav from PortalConfig.ready()).

Plain SQL through the status index, so its cost follows the requests waiting for review.
"""

from django.db import connection

from .models import RegistrationRequest

_PENDING = "SELECT COUNT(*) FROM {table} WHERE status = %s"


def registrations_awaiting_review() -> tuple[str, list]:
    table = connection.ops.quote_name(RegistrationRequest._meta.db_table)
    return _PENDING.format(table=table), [RegistrationRequest.Status.PENDING]
