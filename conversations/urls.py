"""Back-office URLs of conversations (mounted under /office/)."""

from django.urls import path

from customers.page_views import tab_path

from . import views

app_name = "conversations"

urlpatterns = [
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/reply/", views.TicketWriteView.as_view(), name="ticket-reply"),
    path("tickets/<int:pk>/notes/", views.TicketWriteView.as_view(note=True), name="ticket-note"),
    path("tickets/<int:pk>/assign/", views.TicketAssignView.as_view(), name="ticket-assign"),
    path("tickets/<int:pk>/close/", views.TicketCloseView.as_view(), name="ticket-close"),
    path("tickets/<int:pk>/reopen/", views.TicketReopenView.as_view(), name="ticket-reopen"),
    path("orders/<int:pk>/thread/", views.OrderThreadView.as_view(), name="order-thread"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    tab_path(views.CustomerTicketsTab),  # customers/<pk>/tickets/, "customer-tickets"
]
