"""URLs of the customer page, its tabs (contacts, notes, reminders, credits, activity) and files."""

from django.urls import path

from . import page_views as views

urlpatterns = [
    path("customers/<int:pk>/", views.SummaryTab.as_view(), name="customer-detail"),
    path("customers/<int:pk>/contacts/", views.ContactsTab.as_view(), name="customer-contacts"),
    path("customers/<int:pk>/notes/", views.NotesTab.as_view(), name="customer-notes"),
    path("customers/<int:pk>/reminders/", views.RemindersTab.as_view(), name="customer-reminders"),
    path("customers/<int:pk>/activity/", views.ActivityTab.as_view(), name="customer-activity"),
    path("customers/<int:pk>/credits/", views.CreditsTab.as_view(), name="customer-credits"),
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
