from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CUSTOMER_PAGES = {
    "customer-home": "portal:home",
    "customer-login": "portal:login",
    "customer-profile": "portal:profile",
    "customer-order": "portal:order-detail",
    "customer-quotation": "portal:quotation-detail",
    "customer-cancellation": "portal:cancellation-detail",
    "customer-ticket": "portal:ticket-detail",
    "customer-message-attachment": "portal:message-attachment",
}


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:

        from conversations import audience
        from customers import tabs
        from customers.logins import register_login_granter

        from .conversation_access import conversation_readers, order_readers
        from .services.access import grant_portal_login

        # The portal decides who may read a conversation; conversations emails only them.
        audience.register_readers(order=order_readers, conversation=conversation_readers)
        # The customer form's "portal login" option (customers can't import the portal).
        register_login_granter(grant_portal_login)
        tabs.register_tab(
            key="portal",
            label=_("Portal"),
            url_name="portal_office:customer-portal",
            icon="door-open",
            order=15,
        )
        from lumytic.accounts import roles
        from lumytic.core.nav import NavLink, register_count, register_link
        from lumytic.core.pages import register_page

        # The customer's pages, for lower apps' emails and links (lumytic/core/pages.py).
        for kind, url_name in CUSTOMER_PAGES.items():
            register_page(kind, url_name)

        from .sidebar import registrations_awaiting_review

        register_count("registrations", registrations_awaiting_review)
        register_link(
            NavLink(
                "registrations",
                "portal_office:registration-list",
                "person-plus",
                _("Registrations"),
                count="nav_counts.registrations",
                count_title=_("registration requests awaiting review"),
                permission=roles.REVIEW_REGISTRATIONS,
            ),
            position=30,
        )
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
