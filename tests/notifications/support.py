"""Helpers shared by the notifications tests."""

COMPANY_REPLY_TO = "sales@lumytic.test"


def company_reply_to() -> str:
    """Stand in for the project's default Reply-To callable."""
    return COMPANY_REPLY_TO
