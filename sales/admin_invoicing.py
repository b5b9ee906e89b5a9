"""Admin for proforma invoices, memos, cancellation orders and signed documents: read-only,
since only services change them."""

from django.contrib import admin

from .models import (
    Cancellation,
    Memo,
    ProformaInvoice,
    ProformaInvoiceLine,
    SignedCancellation,
    SignedDocument,
)


class ReadOnlyMixin:
    """Everything is shown, nothing is edited: a PI never changes and steps are services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProformaInvoiceLineInline(ReadOnlyMixin, admin.TabularInline):
    model = ProformaInvoiceLine
    extra = 0
    fields = [
        "position",
        "sku",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_rate",
        "net_amount",
        "tax_amount",
    ]


class SignedDocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = SignedDocument
    extra = 0
    fields = [
        "memo",
        "version",
        "original_name",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "status",
    ]
    readonly_fields = fields


@admin.register(ProformaInvoice)
class ProformaInvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "order", "customer_name", "status", "issue_date", "due_date", "total"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "order__number", "customer_name"]
    date_hierarchy = "issue_date"
    list_select_related = ["order"]
    inlines = [ProformaInvoiceLineInline, SignedDocumentInline]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pi", "memo", "version", "status", "uploaded_by", "uploaded_at", "size"]
    list_filter = ["status"]
    search_fields = ["pi__number", "memo__number", "sha256", "original_name"]
    list_select_related = ["pi", "memo", "uploaded_by"]
    exclude = ["file"]  # downloaded through the permission-checked office view


@admin.register(Memo)
class MemoAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "pi", "status", "created_by", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["number", "pi__number", "pi__order__number"]
    list_select_related = ["pi", "created_by"]


class SignedCancellationInline(ReadOnlyMixin, admin.TabularInline):
    model = SignedCancellation
    extra = 0
    fields = ["version", "original_name", "size", "sha256", "uploaded_by", "uploaded_at", "status"]
    readonly_fields = fields


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "order", "customer", "status", "owner", "created_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["number", "order__number", "customer__name", "customer__number"]
    date_hierarchy = "created_at"
    list_select_related = ["order", "customer", "owner"]
    inlines = [SignedCancellationInline]
