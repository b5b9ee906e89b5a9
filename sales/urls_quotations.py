"""Back-office URLs of the product catalogue and quotations (included in the `sales` namespace)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from lumytic.core.views import SectionView

urlpatterns = [
    path(
        "quotations/",
        SectionView.as_view(
            title=_("Quotations"),
            icon="file-earmark-text",
            message=_("No quotations yet."),
            nav="quotation-list",
        ),
        name="quotation-list",
    ),
    path("quotations/<int:pk>/", SectionView.as_view(), name="quotation-detail"),
]
