"""Portal URLs of orders (area "orders"; included in the `portal` namespace)."""

from django.urls import path

from . import order_views as views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order-create"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", views.OrderCartView.as_view(), name="order-edit"),
    path("orders/<int:pk>/lines/add/", views.OrderLineAddView.as_view(), name="order-line-add"),
    path("orders/<int:pk>/lines/", views.OrderLinesUpdateView.as_view(), name="order-lines"),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/remove/",
        views.OrderLineRemoveView.as_view(),
        name="order-line-remove",
    ),
    path("orders/<int:pk>/submit/", views.OrderSubmitView.as_view(), name="order-submit"),
    path("orders/<int:pk>/confirm/", views.OrderConfirmView.as_view(), name="order-confirm"),
    path("orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
]
