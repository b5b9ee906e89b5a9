"""Back-office pages of the portal app: a customer's portal tab, invitations, access, reviews."""

from django.urls import path

from . import office_views as views
from .urls_registrations import urlpatterns as registration_urlpatterns

app_name = "portal_office"

urlpatterns = [
    path("customers/<int:pk>/portal/", views.PortalTab.as_view(), name="customer-portal"),
    path(
        "customers/<int:pk>/portal/<int:contact_pk>/access/",
        views.contact_access,
        name="contact-access",
    ),
    path(
        "customers/<int:pk>/portal/<int:contact_pk>/active/",
        views.contact_login_active,
        name="contact-login-active",
    ),
    path(
        "customers/<int:pk>/portal/<int:contact_pk>/set-password/",
        views.contact_set_password,
        name="contact-set-password",
    ),
    path(
        "customers/<int:pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "customers/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    *registration_urlpatterns,
]
