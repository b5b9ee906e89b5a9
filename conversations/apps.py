from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from customers import tabs
        from lumytic.accounts import roles
        from lumytic.core.nav import NavLink, register_count, register_link
        from lumytic.core.pages import register_page

        from .sidebar import conversations_awaiting_staff

        register_count("inbox", conversations_awaiting_staff)
        # The order page's messages panel (sales names no URL of this app).
        register_page("office-order-thread", "conversations:order-thread")
        register_link(
            NavLink(
                "inbox",
                "conversations:inbox",
                "inbox",
                _("Inbox"),
                count="nav_counts.inbox",
                count_title=_("conversations waiting for an answer"),
                permission=roles.VIEW_CONVERSATIONS,
                summary=_("Tickets and order messages waiting for an answer."),
            ),
            position=10,
        )

        tabs.register_tab(
            key="tickets",
            label=_("Tickets"),
            url_name="conversations:customer-tickets",
            icon="chat-left-text",
            order=65,
        )
