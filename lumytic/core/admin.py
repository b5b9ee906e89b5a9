from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CompanyProfile, DocumentSequence


class ReadOnlyAdmin:
    """Mixin for an admin or inline that shows rows and changes none (services own the writes)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    fieldsets = (
        (
            _("Identity"),
            {"fields": ("legal_name", "trading_name", "logo", "cr_number", "tax_id")},
        ),
        (_("Contact"), {"fields": ("email", "phone", "website", "address", "country")}),
        (
            _("Bank details"),
            {
                "fields": (
                    "bank_name",
                    "bank_account_name",
                    "bank_iban",
                    "bank_swift",
                    "bank_address",
                )
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return not CompanyProfile.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["kind", "year", "last_value"]
    list_filter = ["kind", "year"]
    readonly_fields = ["kind", "year", "last_value"]
