"""Back-office URLs of orders (included in the `sales` namespace)."""

from django.urls import path

from . import order_views as views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order-create"),
    path("orders/products/", views.ProductSearchView.as_view(), name="order-product-search"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/owner/", views.OrderAssignOwnerView.as_view(), name="order-owner"),
    path("orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<int:pk>/confirm/", views.OrderConfirmView.as_view(), name="order-confirm"),
    path("orders/<int:pk>/edit/", views.OrderEditView.as_view(), name="order-edit"),
    path("customers/<int:pk>/orders/", views.CustomerOrdersTab.as_view(), name="customer-orders"),
]
