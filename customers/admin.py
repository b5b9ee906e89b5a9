from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    ActivityEntry,
    Contact,
    Credit,
    Customer,
    CustomerDocument,
    CustomerGroup,
    CustomerImport,
    Note,
    Reminder,
    Tag,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "email", "phone", "position", "is_primary", "user"]
    raw_id_fields = ["user"]


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    fields = ["due_at", "text", "staff", "notified_at"]
    readonly_fields = ["notified_at"]
    raw_id_fields = ["staff"]


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    fields = ["amount", "currency", "reason", "created_at"]
    readonly_fields = ["created_at"]


class CustomerDocumentInline(admin.TabularInline):
    """Versions are added through the customer form or a registration, never edited."""

    model = CustomerDocument
    extra = 0
    fields = ["kind", "version", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "type", "group", "country", "advisor", "is_active"]
    list_filter = ["is_active", "type", "group", "tags", "country", "tax_type"]
    search_fields = ["number", "name", "email", "tax_id", "cr_number", "contacts__email"]
    list_select_related = ["group", "advisor"]
    raw_id_fields = ["advisor", "reseller"]
    filter_horizontal = ["tags"]
    readonly_fields = ["number", "created_at", "updated_at"]
    show_full_result_count = False  # a COUNT over every customer on each page is wasted work
    inlines = [ContactInline, NoteInline, ReminderInline, CreditInline, CustomerDocumentInline]
    fieldsets = (
        (
            _("General"),
            {
                "fields": (
                    ("number", "is_active"),
                    ("name", "type"),
                    ("group", "advisor", "reseller"),
                    ("email", "phone", "fax", "website"),
                    ("country", "state"),
                    "address",
                    "tags",
                    "logo",
                )
            },
        ),
        (
            _("Finance"),
            {
                "fields": (
                    ("default_currency", "discount_type", "discount_value"),
                    ("tax_type", "tax_rate", "tax_id"),
                    ("national_id", "cr_number"),
                    "late_payment_exempt",
                )
            },
        ),
        (
            _("Billing address"),
            {"classes": ["collapse"], "fields": [f"billing_{p}" for p in Customer.ADDRESS_PARTS]},
        ),
        (
            _("Shipping address"),
            {
                "classes": ["collapse"],
                "fields": [
                    "shipping_same_as_billing",
                    *(f"shipping_{p}" for p in Customer.ADDRESS_PARTS),
                ],
            },
        ),
        (_("Location"), {"classes": ["collapse"], "fields": [("latitude", "longitude")]}),
        (_("Dates"), {"fields": [("created_at", "updated_at")]}),
    )


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "description"]
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "customer", "email", "position", "is_primary", "user"]
    list_filter = ["is_primary"]
    search_fields = ["first_name", "last_name", "email", "customer__name", "customer__number"]
    list_select_related = ["customer", "user"]
    raw_id_fields = ["customer", "user"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["due_at", "customer", "staff", "text", "notified_at"]
    list_filter = ["notified_at"]
    search_fields = ["text", "customer__name"]
    list_select_related = ["customer", "staff"]
    raw_id_fields = ["customer", "staff", "created_by"]


@admin.register(CustomerImport)
class CustomerImportAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "status",
        "total_lines",
        "created_count",
        "updated_count",
        "skipped_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in CustomerImport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "verb", "target_repr", "customer"]
    list_filter = ["verb"]
    search_fields = ["target_repr", "verb"]
    list_select_related = ["actor", "customer"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
