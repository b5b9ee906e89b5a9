"""Set-password links sent by email: bound to the outbox email that carries them.

A set-password (or password-reset) token names the outbox row it was minted for and is valid
only while that row is the newest set-password email of its user, so sending a new one voids
every older link. The token exists only in the message handed to the email backend; the
stored row holds a note instead (``notifications/links.py``).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.http import base36_to_int, int_to_base36

from notifications.links import SecretLink, latest_link_email_id

SET_PASSWORD = "set_password"
SET_PASSWORD_NOTE = "[set-password link sent; not stored]"


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (dies when the password or last login changes) plus the email it rode.

    allauth builds one with no email for its reset form; that token is never sent (the adapter
    hands the email to the outbox) and is refused here, as no row has number 0.
    """

    key_salt = "lumytic.accounts.links.SetPasswordTokenGenerator"

    def __init__(self, issue: int = 0) -> None:
        super().__init__()
        self.issue = issue

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}|{self.issue}"

    def make_token(self, user) -> str:
        return f"{int_to_base36(self.issue)}-{super().make_token(user)}"

    def check_token(self, user, token: str | None) -> bool:
        if user is None or not token:
            return False
        issue_part, _sep, rest = token.partition("-")
        try:
            issue = base36_to_int(issue_part)
        except ValueError:
            return False
        if not issue or issue != latest_link_email_id(SET_PASSWORD, str(user.pk)):
            return False
        return PasswordResetTokenGenerator.check_token(type(self)(issue), user, rest)


def set_password_link(user) -> SecretLink:
    """The set-password button of an email to this user; minted when the email is sent."""
    return SecretLink(kind=SET_PASSWORD, ref=str(user.pk))


def issue_set_password_link(ref: str, *, email_id: int) -> str | None:
    """Mint the link of outbox row ``email_id``, unless a newer one replaced it."""
    from allauth.account.utils import user_pk_to_url_str  # allauth's forms load this module

    user = get_user_model().objects.filter(pk=ref, is_active=True).first()
    if user is None or latest_link_email_id(SET_PASSWORD, ref) != email_id:
        return None
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": SetPasswordTokenGenerator(email_id).make_token(user),
        },
    )
