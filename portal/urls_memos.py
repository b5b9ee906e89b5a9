"""Portal URLs of PI memos (area "invoices"; `portal` namespace)."""

from django.urls import path

from . import memo_views as views

urlpatterns = [
    path("memos/<int:pk>/pdf/", views.MemoPdfView.as_view(), name="memo-pdf"),
    path("memos/<int:pk>/signed/", views.SignedMemoUploadView.as_view(), name="memo-upload"),
]
