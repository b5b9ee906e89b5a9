"""Back-office URLs of payments and applied credits (in the `sales` namespace)."""

from django.urls import path

from . import payment_views as views

urlpatterns = [
    path("payments/<int:pk>/file/", views.PaymentFileView.as_view(), name="payment-file"),
    path("payments/<int:pk>/confirm/", views.PaymentConfirmView.as_view(), name="payment-confirm"),
    path("payments/<int:pk>/reject/", views.PaymentRejectView.as_view(), name="payment-reject"),
    path(
        "proforma-invoices/<int:pk>/credits/",
        views.CreditApplyView.as_view(),
        name="pi-credit-apply",
    ),
]
