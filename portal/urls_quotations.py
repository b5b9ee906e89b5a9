"""Portal URLs of quotations (area "quotations"; included in the `portal` namespace)."""

from django.urls import path

from . import quotation_views as views

urlpatterns = [
    path("quotations/", views.QuotationListView.as_view(), name="quotations"),
    path("quotations/<int:pk>/", views.QuotationDetailView.as_view(), name="quotation-detail"),
    path("quotations/<int:pk>/pdf/", views.QuotationPdfView.as_view(), name="quotation-pdf"),
    path(
        "quotations/<int:pk>/accept/", views.QuotationAcceptView.as_view(), name="quotation-accept"
    ),
    path(
        "quotations/<int:pk>/decline/",
        views.QuotationDeclineView.as_view(),
        name="quotation-decline",
    ),
]
