from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("outbox/", views.OutboxListView.as_view(), name="outbox-list"),
    path("outbox/test/", views.OutboxTestView.as_view(), name="outbox-test"),
    path("outbox/<int:pk>/", views.OutboxDetailView.as_view(), name="outbox-detail"),
    path("outbox/<int:pk>/resend/", views.OutboxResendView.as_view(), name="outbox-resend"),
    path(
        "outbox/<int:pk>/attachments/<int:attachment_pk>/",
        views.OutboxAttachmentView.as_view(),
        name="outbox-attachment",
    ),
]
