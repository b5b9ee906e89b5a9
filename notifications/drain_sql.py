"""One statement per email in a drain: write that the previous email was sent, and start the
next attempt.

In a drain the database is called between two SMTP conversations, when the server process has
gone idle; each call then costs about a millisecond of wake-up, so the three ORM statements
(the sent email's row, its attempt, the next email's attempt) cost more than the email itself.
Folded into one statement, bench/outbox.py on one solo worker went from 96 to 145-165 emails/s.
PostgreSQL only (data-modifying WITH); other databases take the ORM path in services.py. Table
names come from the models, values go in as parameters.
"""

from datetime import datetime

from django.db import connection

from .models import DeliveryAttempt, OutboundEmail

# The previous email: sent (only by the drain that holds it, or after the sweep gave up on it).
SENT = """
UPDATE {emails} SET status = 'sent', sent_at = %(done_at)s, claim = NULL, not_before = NULL
WHERE id = %(sent_id)s AND (claim = %(sent_claim)s AND status = 'sending' OR status = 'pending')
"""
HISTORY = """
INSERT INTO {attempts} (email_id, outcome, error, started_at, finished_at)
VALUES (%(sent_id)s, 'sent', '', %(sent_started)s, %(done_at)s)
"""
# The next email: its attempt is recorded before the server is called.
START = """
UPDATE {emails} SET attempts = attempts + 1, last_attempt_at = %(now)s
WHERE id = %(start_id)s AND claim = %(start_claim)s AND status = 'sending'
RETURNING attempts
"""


def usable() -> bool:
    return connection.vendor == "postgresql"


def record_sent_and_start(
    *,
    sent: OutboundEmail | None,
    start: OutboundEmail | None,
    now: datetime,
) -> int | None:
    """Record ``sent`` as accepted and start ``start``'s attempt, in one round trip.

    Returns the started email's new attempt count, or None if it was no longer this drain's.
    """
    params: dict[str, object] = {"now": now, "done_at": now}
    parts = []
    if sent is not None:
        params.update(sent_id=sent.pk, sent_claim=sent.claim, sent_started=sent.last_attempt_at)
        parts += [f"sent AS ({SENT})", f"history AS ({HISTORY})"]
    if start is not None:
        params.update(start_id=start.pk, start_claim=start.claim)
        sql = (f"WITH {', '.join(parts)} " if parts else "") + START
    else:
        sql = f"WITH {', '.join(parts)} SELECT NULL"
    tables = {
        "emails": connection.ops.quote_name(OutboundEmail._meta.db_table),
        "attempts": connection.ops.quote_name(DeliveryAttempt._meta.db_table),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables), params)
        row = cursor.fetchone()
    return row[0] if row else None
