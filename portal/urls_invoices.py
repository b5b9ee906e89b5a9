"""Portal URLs of proforma invoices and signed documents (area "invoices"; `portal` namespace)."""

from django.urls import path

from . import invoice_views as views

urlpatterns = [
    path("invoices/<int:pk>/pdf/", views.PiPdfView.as_view(), name="pi-pdf"),
    path("invoices/<int:pk>/signed/", views.SignedPiUploadView.as_view(), name="pi-upload"),
    path(
        "signed-documents/<int:pk>/file/",
        views.SignedDocumentFileView.as_view(),
        name="signed-document-file",
    ),
]
