"""URLs of the CSV import."""

from django.urls import path

from . import import_views

urlpatterns: list = [
    path("customers/import/", import_views.ImportStartView.as_view(), name="import-start"),
    path("customers/import/sample.csv", import_views.import_sample, name="import-sample"),
    path(
        "customers/import/<int:pk>/preview/",
        import_views.ImportPreviewView.as_view(),
        name="import-preview",
    ),
    path("customers/import/<int:pk>/", import_views.import_detail, name="import-detail"),
    path(
        "customers/import/<int:pk>/progress/",
        import_views.import_progress,
        name="import-progress",
    ),
    path(
        "customers/import/<int:pk>/rejected.csv",
        import_views.import_rejected,
        name="import-rejected",
    ),
]
