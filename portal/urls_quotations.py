"""Portal URLs of quotations (area "quotations"; included in the `portal` namespace)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import Area
from .views import AreaView

urlpatterns = [
    path(
        "quotations/",
        AreaView.as_view(
            area=Area.QUOTATIONS,
            nav=Area.QUOTATIONS,
            icon="file-earmark-text",
            message=_("No quotations yet."),
        ),
        name="quotations",
    ),
]
