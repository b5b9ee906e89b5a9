"""Portal URLs of orders (area "orders"; included in the `portal` namespace)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import Area
from .views import AreaView

urlpatterns = [
    path(
        "orders/",
        AreaView.as_view(
            area=Area.ORDERS, nav=Area.ORDERS, icon="cart3", message=_("No orders yet.")
        ),
        name="orders",
    ),
]
