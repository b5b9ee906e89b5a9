"""Back-office URLs of cancellation orders (in the `sales` namespace)."""

from django.urls import path

from . import cancellation_views as views

urlpatterns = [
    path("cancellations/", views.CancellationListView.as_view(), name="cancellation-list"),
    path(
        "cancellations/<int:pk>/",
        views.CancellationDetailView.as_view(),
        name="cancellation-detail",
    ),
    path(
        "cancellations/<int:pk>/confirm/",
        views.CancellationConfirmView.as_view(),
        name="cancellation-confirm",
    ),
    path(
        "cancellations/<int:pk>/refuse/",
        views.CancellationRefuseView.as_view(),
        name="cancellation-refuse",
    ),
    path(
        "cancellations/<int:pk>/complete/",
        views.CancellationCompleteView.as_view(),
        name="cancellation-complete",
    ),
    path(
        "cancellations/<int:pk>/pdf/", views.CancellationPdfView.as_view(), name="cancellation-pdf"
    ),
    path(
        "signed-cancellations/<int:pk>/file/",
        views.SignedCancellationFileView.as_view(),
        name="signed-cancellation-file",
    ),
    path(
        "signed-cancellations/<int:pk>/approve/",
        views.SignedCancellationApproveView.as_view(),
        name="signed-cancellation-approve",
    ),
    path(
        "signed-cancellations/<int:pk>/reject/",
        views.SignedCancellationRejectView.as_view(),
        name="signed-cancellation-reject",
    ),
    path(
        "orders/<int:pk>/cancellation/",
        views.OrderCancellationCreateView.as_view(),
        name="order-cancellation-create",
    ),
    path(
        "customers/<int:pk>/cancellations/",
        views.CustomerCancellationsTab.as_view(),
        name="customer-cancellations",
    ),
]
