from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lumytic.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa import signals

        from lumytic.accounts import mfa

        signals.authenticator_used.connect(mfa.on_authenticator_used)
        signals.authenticator_added.connect(mfa.on_authenticator_added)
