from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import ADDRESS_PARTS

from .models import Invitation, PortalAccess, RegistrationRequest

# What the review decides and records: shown, never edited here.
DECISION = ("status", "reason", "decided_by", "decided_at", "customer", "language", "created_at")


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(admin.ModelAdmin):
    """Read and correct requests; approving and rejecting happen in the back-office."""

    list_display = ["company_name", "email", "country", "status", "created_at", "decided_by"]
    list_filter = ["status", "country", "created_at"]
    search_fields = ["company_name", "email", "cr_number", "tax_id", "last_name"]
    list_select_related = ["decided_by"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # A decision goes through the review page, which creates the customer and sends the emails.
    readonly_fields = DECISION
    fieldsets = (
        (
            _("Company"),
            {
                "fields": (
                    "company_name",
                    "website",
                    "country",
                    ("first_name", "last_name"),
                    ("email", "phone"),
                    "address",
                )
            },
        ),
        (_("Billing"), {"fields": tuple(f"billing_{part}" for part in ADDRESS_PARTS)}),
        (
            _("Shipping"),
            {
                "fields": (
                    "shipping_same_as_billing",
                    *(f"shipping_{part}" for part in ADDRESS_PARTS),
                )
            },
        ),
        (_("Registration"), {"fields": ("cr_number", "cr_file", "tax_id")}),
        (_("Decision"), {"fields": DECISION}),
    )

    def has_add_permission(self, request) -> bool:
        return False  # requests come from the portal's signup page


@admin.register(PortalAccess)
class PortalAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "own_orders_only", "updated_at"]
    list_filter = ["own_orders_only"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["updated_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "customer", "status", "invited_by", "sent_at", "expires_at"]
    list_filter = ["sent_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "customer__name", "customer__number", "contact__last_name"]
    list_select_related = ["customer", "invited_by"]
    raw_id_fields = ["customer", "contact", "invited_by"]
    readonly_fields = ["nonce", "created_at"]
