"""Back-office URLs of PI memos and signed memos (in the `sales` namespace)."""

from django.urls import path

from . import memo_views as views

urlpatterns = [
    path("proforma-invoices/<int:pk>/memos/", views.MemoWriteView.as_view(), name="memo-create"),
    path("memos/<int:pk>/pdf/", views.MemoPdfView.as_view(), name="memo-pdf"),
    path("memos/<int:pk>/send/", views.MemoSendView.as_view(), name="memo-send"),
    path(
        "signed-memos/<int:pk>/approve/",
        views.SignedMemoApproveView.as_view(),
        name="signed-memo-approve",
    ),
    path(
        "signed-memos/<int:pk>/reject/",
        views.SignedMemoRejectView.as_view(),
        name="signed-memo-reject",
    ),
]
