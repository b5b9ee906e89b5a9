"""Portal URLs of tickets and order threads (included in the `portal` namespace)."""

from django.urls import path

from . import conversation_views as views

urlpatterns = [
    path("messages/", views.ConversationListView.as_view(), name="conversations"),
    path("messages/new/", views.TicketCreateView.as_view(), name="ticket-create"),
    path("messages/tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("messages/tickets/<int:pk>/reply/", views.TicketReplyView.as_view(), name="ticket-reply"),
    path("messages/tickets/<int:pk>/close/", views.TicketCloseView.as_view(), name="ticket-close"),
    path(
        "messages/tickets/<int:pk>/reopen/",
        views.TicketReopenView.as_view(),
        name="ticket-reopen",
    ),
    path(
        "messages/attachments/<int:pk>/",
        views.AttachmentView.as_view(),
        name="message-attachment",
    ),
    path("orders/<int:pk>/thread/", views.OrderThreadView.as_view(), name="order-thread"),
]
