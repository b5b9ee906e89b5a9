from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, using, apps=None, **kwargs) -> None:
    """Keep the role groups after every migrate and flush (a test's flush empties them)."""
    from django.apps import apps as live_apps
    from django.contrib.auth.management import create_permissions

    from .roles import sync_roles

    # Other apps' permissions come with their own post_migrate; the roles need them now.
    for app_config in live_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles()


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
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts_sync_roles")
