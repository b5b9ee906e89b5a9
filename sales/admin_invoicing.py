"""Admin for proforma invoices, memos, cancellation orders and signed documents: read-only,
since only services change them."""

from django.contrib import admin

from lumytic.core.admin import ReadOnlyAdmin

from .models import (
    Cancellation,
    Memo,
    ProformaInvoice,
    ProformaInvoiceLine,
    SignedCancellation,
    SignedDocument,
)
from .services.invoicing import LINE_COPY

# A line's figures, shown after its position and what it is (a product, or a PI line's SKU):
# the fields a PI copies from its order's lines, less those two.
LINE_FIGURES = [name for name in LINE_COPY if name not in ("position", "product_id")]


class ProformaInvoiceLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = ProformaInvoiceLine
    extra = 0
    fields = ["position", "sku", *LINE_FIGURES]


class SignedDocumentInline(ReadOnlyAdmin, admin.TabularInline):
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
class ProformaInvoiceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["number", "order", "customer_name", "status", "issue_date", "due_date", "total"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "order__number", "customer_name"]
    date_hierarchy = "issue_date"
    list_select_related = ["order"]
    inlines = [ProformaInvoiceLineInline, SignedDocumentInline]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["pi", "memo", "version", "status", "uploaded_by", "uploaded_at", "size"]
    list_filter = ["status"]
    search_fields = ["pi__number", "memo__number", "sha256", "original_name"]
    list_select_related = ["pi", "memo", "uploaded_by"]
    exclude = ["file"]  # downloaded through the permission-checked office view


@admin.register(Memo)
class MemoAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["number", "pi", "status", "created_by", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["number", "pi__number", "pi__order__number"]
    list_select_related = ["pi", "created_by"]


class SignedCancellationInline(ReadOnlyAdmin, admin.TabularInline):
    model = SignedCancellation
    extra = 0
    fields = ["version", "original_name", "size", "sha256", "uploaded_by", "uploaded_at", "status"]
    readonly_fields = fields


@admin.register(Cancellation)
class CancellationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["__str__", "order", "customer", "status", "owner", "created_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["number", "order__number", "customer__name", "customer__number"]
    date_hierarchy = "created_at"
    list_select_related = ["order", "customer", "owner"]
    inlines = [SignedCancellationInline]
