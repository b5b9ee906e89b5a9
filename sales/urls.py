"""Back-office URLs of the sales app (the `sales` namespace, mounted under /office/).

Order matters where paths overlap (e.g. `orders/products/` before `orders/<int:pk>/`). A customer
page tab's URL comes from its view's `tab` (`tab_path`: `customers/<pk>/<tab>/`, `customer-<tab>`).
"""

from django.urls import path

from customers.page_views import tab_path

from . import (
    cancellation_views,
    invoice_views,
    list_views,
    memo_views,
    order_step_views,
    order_views,
    payment_views,
    product_views,
    quotation_editor_views,
    quotation_views,
    statement_views,
    views,
)

app_name = "sales"

urlpatterns = [
    # Product catalogue
    path("products/", product_views.ProductListView.as_view(), name="product-list"),
    path("products/new/", product_views.ProductFormView.as_view(), name="product-create"),
    path("products/search/", quotation_editor_views.product_search, name="product-search"),
    path("products/<int:pk>/edit/", product_views.ProductFormView.as_view(), name="product-update"),
    path("products/<int:pk>/active/", product_views.product_set_active, name="product-set-active"),
    # Quotations
    path("quotations/", quotation_views.QuotationListView.as_view(), name="quotation-list"),
    path(
        "quotations/new/",
        quotation_editor_views.QuotationEditorView.as_view(),
        name="quotation-create",
    ),
    path("quotations/line/", quotation_editor_views.quotation_line, name="quotation-line"),
    path(
        "quotations/line/rate/",
        quotation_editor_views.quotation_line_rate,
        name="quotation-line-rate",
    ),
    path("quotations/preview/", quotation_editor_views.quotation_preview, name="quotation-preview"),
    path(
        "quotations/<int:pk>/",
        quotation_views.QuotationDetailView.as_view(),
        name="quotation-detail",
    ),
    path(
        "quotations/<int:pk>/edit/",
        quotation_editor_views.QuotationEditorView.as_view(),
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
    tab_path(quotation_views.CustomerQuotationsTab),
    # Orders
    path("orders/", order_views.OrderListView.as_view(), name="order-list"),
    path("orders/new/", order_views.OrderCreateView.as_view(), name="order-create"),
    path("orders/products/", order_views.ProductSearchView.as_view(), name="order-product-search"),
    path("orders/<int:pk>/", order_views.OrderDetailView.as_view(), name="order-detail"),
    path(
        "orders/<int:pk>/owner/",
        order_step_views.OrderAssignOwnerView.as_view(),
        name="order-owner",
    ),
    path(
        "orders/<int:pk>/cancel/", order_step_views.OrderCancelView.as_view(), name="order-cancel"
    ),
    path(
        "orders/<int:pk>/confirm/",
        order_step_views.OrderConfirmView.as_view(),
        name="order-confirm",
    ),
    path("orders/<int:pk>/edit/", order_views.OrderEditView.as_view(), name="order-edit"),
    tab_path(order_views.CustomerOrdersTab),
    # Cancellation orders and their signed copies
    path(
        "cancellations/",
        cancellation_views.CancellationListView.as_view(),
        name="cancellation-list",
    ),
    path(
        "cancellations/<int:pk>/",
        cancellation_views.CancellationDetailView.as_view(),
        name="cancellation-detail",
    ),
    path(
        "cancellations/<int:pk>/confirm/",
        cancellation_views.CancellationConfirmView.as_view(),
        name="cancellation-confirm",
    ),
    path(
        "cancellations/<int:pk>/refuse/",
        cancellation_views.CancellationRefuseView.as_view(),
        name="cancellation-refuse",
    ),
    path(
        "cancellations/<int:pk>/complete/",
        cancellation_views.CancellationCompleteView.as_view(),
        name="cancellation-complete",
    ),
    path(
        "cancellations/<int:pk>/pdf/",
        cancellation_views.CancellationPdfView.as_view(),
        name="cancellation-pdf",
    ),
    path(
        "signed-cancellations/<int:pk>/file/",
        cancellation_views.SignedCancellationFileView.as_view(),
        name="signed-cancellation-file",
    ),
    path(
        "signed-cancellations/<int:pk>/approve/",
        cancellation_views.SignedCancellationApproveView.as_view(),
        name="signed-cancellation-approve",
    ),
    path(
        "signed-cancellations/<int:pk>/reject/",
        cancellation_views.SignedCancellationRejectView.as_view(),
        name="signed-cancellation-reject",
    ),
    path(
        "orders/<int:pk>/cancellation/",
        cancellation_views.OrderCancellationCreateView.as_view(),
        name="order-cancellation-create",
    ),
    tab_path(cancellation_views.CustomerCancellationsTab),
    # Proforma invoices and their signed copies
    path("orders/<int:pk>/proforma-invoice/", invoice_views.PiIssueView.as_view(), name="pi-issue"),
    path("proforma-invoices/<int:pk>/pdf/", invoice_views.PiPdfView.as_view(), name="pi-pdf"),
    path("proforma-invoices/<int:pk>/send/", invoice_views.PiSendView.as_view(), name="pi-send"),
    path(
        "signed-documents/<int:pk>/file/",
        invoice_views.SignedDocumentFileView.as_view(),
        name="signed-document-file",
    ),
    path(
        "signed-documents/<int:pk>/approve/",
        invoice_views.SignedDocumentApproveView.as_view(),
        name="signed-document-approve",
    ),
    path(
        "signed-documents/<int:pk>/reject/",
        invoice_views.SignedDocumentRejectView.as_view(),
        name="signed-document-reject",
    ),
    # PI memos and their signed copies
    path(
        "proforma-invoices/<int:pk>/memos/",
        memo_views.MemoWriteView.as_view(),
        name="memo-create",
    ),
    path("memos/<int:pk>/pdf/", memo_views.MemoPdfView.as_view(), name="memo-pdf"),
    path("memos/<int:pk>/send/", memo_views.MemoSendView.as_view(), name="memo-send"),
    path(
        "signed-memos/<int:pk>/approve/",
        memo_views.SignedMemoApproveView.as_view(),
        name="signed-memo-approve",
    ),
    path(
        "signed-memos/<int:pk>/reject/",
        memo_views.SignedMemoRejectView.as_view(),
        name="signed-memo-reject",
    ),
    # Payments and applied credits
    path("payments/<int:pk>/file/", payment_views.PaymentFileView.as_view(), name="payment-file"),
    path(
        "payments/<int:pk>/confirm/",
        payment_views.PaymentConfirmView.as_view(),
        name="payment-confirm",
    ),
    path(
        "payments/<int:pk>/reject/",
        payment_views.PaymentRejectView.as_view(),
        name="payment-reject",
    ),
    path(
        "proforma-invoices/<int:pk>/credits/",
        payment_views.CreditApplyView.as_view(),
        name="pi-credit-apply",
    ),
    # Office PI and payment lists
    path("proforma-invoices/", list_views.PiListView.as_view(), name="pi-list"),
    path("payments/", list_views.PaymentListView.as_view(), name="payment-list"),
    # Statements
    path(
        "customers/<int:pk>/statement/",
        statement_views.CustomerStatementView.as_view(),
        name="customer-statement",
    ),
    # Exchange rates
    path("exchange/", views.ExchangeView.as_view(), name="exchange"),
    path("exchange/update/", views.exchange_update, name="exchange-update"),
    path("exchange/rates/", views.ManualRateCreateView.as_view(), name="rate-create"),
    path("exchange/history.csv", views.RateExportView.as_view(), name="rate-export"),
    tab_path(views.CustomerRatesTab),
    path(
        "customers/<int:pk>/fx-rates/<int:rate_pk>/delete/",
        views.customer_rate_delete,
        name="customer-fx-rate-delete",
    ),
    # Customer page tabs: proforma invoices and payments
    tab_path(list_views.CustomerPisTab),
    tab_path(list_views.CustomerPaymentsTab),
]
