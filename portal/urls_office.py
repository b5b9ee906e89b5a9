"""Back-office pages of the portal app (the `portal_office` namespace, mounted under /office/).

A customer's portal tab, contact access, invitations, and the review of registration requests.
"""

from django.urls import path

from customers.page_views import tab_path

from . import office_views, review_views

app_name = "portal_office"

urlpatterns = [
    # A customer's portal tab: contact access and invitations
    tab_path(office_views.PortalTab),  # customers/<pk>/portal/, "customer-portal"
    path(
        "customers/<int:pk>/portal/<int:contact_pk>/access/",
        office_views.contact_access,
        name="contact-access",
    ),
    path(
        "customers/<int:pk>/portal/<int:contact_pk>/active/",
        office_views.contact_login_active,
        name="contact-login-active",
    ),
    path(
        "customers/<int:pk>/portal/<int:contact_pk>/set-password/",
        office_views.contact_set_password,
        name="contact-set-password",
    ),
    path(
        "customers/<int:pk>/invitations/<int:invitation_pk>/resend/",
        office_views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "customers/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        office_views.invitation_revoke,
        name="invitation-revoke",
    ),
    # Review of self-signup registration requests
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
