"""URLs of the customer page and its tabs (contacts, notes, reminders, credits, activity)."""

from django.urls import path

from . import page_views as views

urlpatterns = [
    path("customers/<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path(
        "customers/<int:pk>/contacts/new/", views.ContactFormView.as_view(), name="contact-create"
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/edit/",
        views.ContactFormView.as_view(),
        name="contact-update",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/delete/",
        views.contact_delete,
        name="contact-delete",
    ),
    path(
        "customers/<int:pk>/contacts/<int:contact_pk>/primary/",
        views.contact_make_primary,
        name="contact-make-primary",
    ),
]
