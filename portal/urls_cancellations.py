"""Portal URLs of cancellation orders (area "cancellations"; `portal` namespace)."""

from django.urls import path

from . import cancellation_views as views

urlpatterns = [
    path("cancellations/", views.CancellationListView.as_view(), name="cancellations"),
    path(
        "cancellations/<int:pk>/",
        views.CancellationDetailView.as_view(),
        name="cancellation-detail",
    ),
    path(
        "cancellations/<int:pk>/pdf/", views.CancellationPdfView.as_view(), name="cancellation-pdf"
    ),
    path(
        "cancellations/<int:pk>/signed/",
        views.SignedCancellationUploadView.as_view(),
        name="cancellation-upload",
    ),
    path(
        "signed-cancellations/<int:pk>/file/",
        views.SignedCancellationFileView.as_view(),
        name="signed-cancellation-file",
    ),
    path(
        "orders/<int:pk>/cancellation/",
        views.CancellationRequestView.as_view(),
        name="order-cancellation-request",
    ),
]
