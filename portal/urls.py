from django.urls import include, path

from . import statement_views, views
from .urls_orders import urlpatterns as order_urlpatterns
from .urls_quotations import urlpatterns as quotation_urlpatterns
from .urls_signup import urlpatterns as signup_urlpatterns

app_name = "portal"


urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/new/", views.ContactFormView.as_view(), name="contact-create"),
    path("contacts/<int:contact_pk>/edit/", views.ContactFormView.as_view(), name="contact-update"),
    path(
        "contacts/<int:contact_pk>/delete/",
        views.ContactDeleteView.as_view(),
        name="contact-delete",
    ),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    *quotation_urlpatterns,
    *order_urlpatterns,
    path("", include("portal.urls_invoices")),
    path("", include("portal.urls_memos")),
    path("", include("portal.urls_payments")),
    path("", include("portal.urls_conversations")),
    path("invoices/", statement_views.InvoiceListView.as_view(), name="invoices"),
    path("statements/", statement_views.StatementView.as_view(), name="statements"),
    path("", include("portal.urls_cancellations")),
    *signup_urlpatterns,
]
