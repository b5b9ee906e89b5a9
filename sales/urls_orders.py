"""Back-office URLs of orders (included in the `sales` namespace)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from lumytic.core.views import SectionView

urlpatterns = [
    path(
        "orders/",
        SectionView.as_view(
            title=_("Orders"), icon="cart3", message=_("No orders yet."), nav="order-list"
        ),
        name="order-list",
    ),
    path("orders/<int:pk>/", SectionView.as_view(), name="order-detail"),
]
