"""Back-office review of registration requests."""

from django.urls import path

from . import review_views

urlpatterns: list = [
    path(
        "registrations/",
        review_views.RegistrationListView.as_view(),
        name="registration-list",
    ),
    path(
        "registrations/<int:pk>/",
        review_views.RegistrationDetailView.as_view(),
        name="registration-detail",
    ),
    path(
        "registrations/<int:pk>/cr-file/",
        review_views.registration_cr_file,
        name="registration-cr-file",
    ),
    path(
        "registrations/<int:pk>/approve/",
        review_views.registration_approve,
        name="registration-approve",
    ),
    path(
        "registrations/<int:pk>/reject/",
        review_views.registration_reject,
        name="registration-reject",
    ),
]
