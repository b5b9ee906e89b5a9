"""Back-office URLs of proforma invoices and signed documents (in the `sales` namespace)."""

from django.urls import path

from . import invoice_views as views

urlpatterns = [
    path("orders/<int:pk>/proforma-invoice/", views.PiIssueView.as_view(), name="pi-issue"),
    path("proforma-invoices/<int:pk>/pdf/", views.PiPdfView.as_view(), name="pi-pdf"),
    path("proforma-invoices/<int:pk>/send/", views.PiSendView.as_view(), name="pi-send"),
    path(
        "signed-documents/<int:pk>/file/",
        views.SignedDocumentFileView.as_view(),
        name="signed-document-file",
    ),
    path(
        "signed-documents/<int:pk>/approve/",
        views.SignedDocumentApproveView.as_view(),
        name="signed-document-approve",
    ),
    path(
        "signed-documents/<int:pk>/reject/",
        views.SignedDocumentRejectView.as_view(),
        name="signed-document-reject",
    ),
]
