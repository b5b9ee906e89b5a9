"""URLs of the customer page, its tabs (contacts, notes, reminders, credits, activity) and files.

A tab's URL comes from its view's `tab` (`tab_path`: `customers/<pk>/<tab>/`, `customer-<tab>`).
"""

from django.urls import path

from . import page_views as views
from .page_views import tab_path

urlpatterns = [
    path("customers/<int:pk>/", views.SummaryTab.as_view(), name="customer-detail"),
    tab_path(views.ContactsTab),
    tab_path(views.NotesTab),
    tab_path(views.RemindersTab),
    tab_path(views.ActivityTab),
    tab_path(views.CreditsTab),
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
    path(
        "customers/<int:pk>/documents/<int:document_pk>/",
        views.customer_document_file,
        name="customer-document-file",
    ),
    path("customers/<int:pk>/notes/<int:note_pk>/edit/", views.note_update, name="note-update"),
    path("customers/<int:pk>/notes/<int:note_pk>/delete/", views.note_delete, name="note-delete"),
    path(
        "customers/<int:pk>/reminders/<int:reminder_pk>/delete/",
        views.reminder_delete,
        name="reminder-delete",
    ),
]
