from django.urls import include, path

from . import list_views, statement_views, views
from .urls_cancellations import urlpatterns as cancellation_urlpatterns
from .urls_orders import urlpatterns as order_urlpatterns
from .urls_quotations import urlpatterns as quotation_urlpatterns

app_name = "sales"

urlpatterns = [
    *quotation_urlpatterns,
    *order_urlpatterns,
    *cancellation_urlpatterns,
    path("", include("sales.urls_invoices")),
    path("", include("sales.urls_memos")),
    path("", include("sales.urls_payments")),
    path("proforma-invoices/", list_views.PiListView.as_view(), name="pi-list"),
    path("payments/", list_views.PaymentListView.as_view(), name="payment-list"),
    path(
        "customers/<int:pk>/statement/",
        statement_views.CustomerStatementView.as_view(),
        name="customer-statement",
    ),
    path("exchange/", views.ExchangeView.as_view(), name="exchange"),
    path("exchange/update/", views.exchange_update, name="exchange-update"),
    path("exchange/rates/", views.ManualRateCreateView.as_view(), name="rate-create"),
    path("exchange/history.csv", views.RateExportView.as_view(), name="rate-export"),
    path(
        "customers/<int:pk>/fx-rates/",
        views.CustomerRatesTab.as_view(),
        name="customer-fx-rates",
    ),
    path(
        "customers/<int:pk>/fx-rates/<int:rate_pk>/delete/",
        views.customer_rate_delete,
        name="customer-fx-rate-delete",
    ),
    path(
        "customers/<int:pk>/proforma-invoices/",
        list_views.CustomerPisTab.as_view(),
        name="customer-proforma-invoices",
    ),
    path(
        "customers/<int:pk>/payments/",
        list_views.CustomerPaymentsTab.as_view(),
        name="customer-payments",
    ),
]
