"""Portal URLs of payments (area "invoices"; `portal` namespace)."""

from django.urls import path

from . import payment_views as views

urlpatterns = [
    path("invoices/<int:pk>/payments/", views.PaymentUploadView.as_view(), name="payment-upload"),
    path("payments/<int:pk>/file/", views.PaymentFileView.as_view(), name="payment-file"),
]
