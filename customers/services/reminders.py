"""Reminders: staff are emailed once when a reminder about a customer comes due."""


def send_due_reminders(*, now=None) -> int:
    """Email every reminder that is due and not yet emailed; return how many were sent."""
    raise NotImplementedError
