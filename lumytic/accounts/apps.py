from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lumytic.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa import signals

        from lumytic.accounts import mfa
        from notifications.links import register_link_kind

        from .links import SET_PASSWORD, SET_PASSWORD_NOTE, issue_set_password_link

        signals.authenticator_used.connect(mfa.on_authenticator_used)
        signals.authenticator_added.connect(mfa.on_authenticator_added)
        # The outbox mints set-password links while sending; it stores only this note.
        register_link_kind(SET_PASSWORD, note=SET_PASSWORD_NOTE, issue=issue_set_password_link)
