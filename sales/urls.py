from django.urls import include, path

from . import list_views, statement_views, views
from .apps import CUSTOMER_TABS
from .urls_cancellations import urlpatterns as cancellation_urlpatterns
from .urls_orders import urlpatterns as order_urlpatterns
from .urls_quotations import urlpatterns as quotation_urlpatterns
from .views import CustomerDocumentsTab

app_name = "sales"
# Customer-page tabs served by real views in the included URL modules (not the empty state).
_REAL_TABS = {
    p.name for p in (*quotation_urlpatterns, *order_urlpatterns, *cancellation_urlpatterns)
}


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
    *(
        path(
            f"customers/<int:pk>/{key}/",
            CustomerDocumentsTab.as_view(tab=key, message=message, icon=icon),
            name=f"customer-{key}",
        )
        for key, _label, icon, _order, message in CUSTOMER_TABS
        if key != "fx-rates"  # a real tab, above
        and f"customer-{key}" not in _REAL_TABS
    ),
]
