from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from customers import tabs
        from lumytic.core.nav import register_count

        from .sidebar import conversations_awaiting_staff

        register_count("inbox", conversations_awaiting_staff)

        tabs.register_tab(
            key="tickets",
            label=_("Tickets"),
            url_name="conversations:customer-tickets",
            icon="chat-left-text",
            order=65,
        )
