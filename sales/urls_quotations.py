"""Back-office URLs of the product catalogue and quotations (included in the `sales` namespace)."""

from django.urls import path

from . import product_views, quotation_views

urlpatterns = [
    path("products/", product_views.ProductListView.as_view(), name="product-list"),
    path("products/new/", product_views.ProductFormView.as_view(), name="product-create"),
    path("products/search/", quotation_views.product_search, name="product-search"),
    path("products/<int:pk>/edit/", product_views.ProductFormView.as_view(), name="product-update"),
    path("products/<int:pk>/active/", product_views.product_set_active, name="product-set-active"),
    path("quotations/", quotation_views.QuotationListView.as_view(), name="quotation-list"),
    path("quotations/new/", quotation_views.QuotationEditorView.as_view(), name="quotation-create"),
    path("quotations/line/", quotation_views.quotation_line, name="quotation-line"),
    path("quotations/line/rate/", quotation_views.quotation_line_rate, name="quotation-line-rate"),
    path("quotations/preview/", quotation_views.quotation_preview, name="quotation-preview"),
    path(
        "quotations/<int:pk>/",
        quotation_views.QuotationDetailView.as_view(),
        name="quotation-detail",
    ),
    path(
        "quotations/<int:pk>/edit/",
        quotation_views.QuotationEditorView.as_view(),
        name="quotation-update",
    ),
    path("quotations/<int:pk>/send/", quotation_views.quotation_send, name="quotation-send"),
    path(
        "quotations/<int:pk>/decline/", quotation_views.quotation_decline, name="quotation-decline"
    ),
    path(
        "quotations/<int:pk>/duplicate/",
        quotation_views.quotation_duplicate,
        name="quotation-duplicate",
    ),
    path("quotations/<int:pk>/pdf/", quotation_views.quotation_pdf, name="quotation-pdf"),
    path(
        "customers/<int:pk>/quotations/",
        quotation_views.CustomerQuotationsTab.as_view(),
        name="customer-quotations",
    ),
]
