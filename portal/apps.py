from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _new_portal_user(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # Portal logins are created by customers and accounts code, which can't import the portal.
    if created and not raw and instance.role == "portal":
        from .services.access import give_default_access

        give_default_access(instance)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from conversations import audience
        from customers import tabs

        from .conversation_access import conversation_readers, order_readers

        # The portal decides who may read a conversation; conversations emails only them.
        audience.register_readers(order=order_readers, conversation=conversation_readers)
        post_save.connect(_new_portal_user, sender=get_user_model(), dispatch_uid="portal-user")
        tabs.register_tab(
            key="portal",
            label=_("Portal"),
            url_name="portal_office:customer-portal",
            icon="door-open",
            order=15,
        )
        from lumytic.core.nav import register_count

        from .sidebar import registrations_awaiting_review

        register_count("registrations", registrations_awaiting_review)
        from notifications.links import register_link_kind

        from .services.invitations import INVITATION_LINK, INVITATION_NOTE, issue_invitation_link

        # The outbox mints invitation links while sending; it stores only this note.
        register_link_kind(INVITATION_LINK, note=INVITATION_NOTE, issue=issue_invitation_link)
        tabs.register_action(
            key="invite",
            label=_("Invite to portal"),
            url_name="portal_office:customer-portal",
            icon="send",
            fragment="#invite",
        )
