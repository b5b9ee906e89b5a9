from django.urls import path

from . import views
from .urls_import import urlpatterns as import_urlpatterns
from .urls_page import urlpatterns as page_urlpatterns

app_name = "customers"

urlpatterns = [
    path("customers/", views.CustomerListView.as_view(), name="customer-list"),
    path("customers/export.csv", views.customer_export, name="customer-export"),
    path("customers/columns/", views.customer_columns, name="customer-columns"),
    path("customers/new/", views.CustomerCreateView.as_view(), name="customer-create"),
    path("customers/<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="customer-update"),
    path("customers/<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="customer-delete"),
    path("customers/<int:pk>/active/", views.customer_set_active, name="customer-set-active"),
    path("customer-groups/", views.GroupListView.as_view(), name="group-list"),
    path("customer-groups/new/", views.GroupCreateView.as_view(), name="group-create"),
    path("customer-groups/<int:pk>/edit/", views.GroupUpdateView.as_view(), name="group-update"),
    path("customer-groups/<int:pk>/delete/", views.group_delete, name="group-delete"),
    *page_urlpatterns,
    *import_urlpatterns,
]
