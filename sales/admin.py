from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_invoicing import LINE_FIGURES  # also registers the PI, memo and cancellation admins
from .models import (
    Currency,
    CustomerRate,
    ExchangeRate,
    Order,
    OrderLine,
    Product,
    Quotation,
    QuotationLine,
    RateUpdate,
)
from .services.rates import set_currencies_active


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "symbol", "decimals", "is_active"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    ordering = ["-is_active", "code"]
    actions = ["activate", "deactivate"]

    @admin.action(description=_("Activate the selected currencies"))
    def activate(self, request, queryset):
        count = set_currencies_active(codes=queryset.values_list("code", flat=True), active=True)
        self.message_user(
            request,
            ngettext("%d currency activated.", "%d currencies activated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Deactivate the selected currencies"))
    def deactivate(self, request, queryset):
        count = set_currencies_active(codes=queryset.values_list("code", flat=True), active=False)
        self.message_user(
            request,
            ngettext(
                "%d currency deactivated (the base currency stays active).",
                "%d currencies deactivated (the base currency stays active).",
                count,
            )
            % count,
            messages.SUCCESS,
        )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["date", "currency", "rate", "source", "entered_by", "created_at"]
    list_filter = ["source", ("currency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["currency__code", "currency__name"]
    date_hierarchy = "date"
    list_select_related = ["currency", "entered_by"]
    autocomplete_fields = ["currency"]
    raw_id_fields = ["entered_by"]
    readonly_fields = ["created_at"]


@admin.register(CustomerRate)
class CustomerRateAdmin(admin.ModelAdmin):
    list_display = ["customer", "currency", "rate", "valid_from", "valid_until", "created_by"]
    list_filter = [("currency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["customer__name", "customer__number", "currency__code"]
    list_select_related = ["customer", "currency", "created_by"]
    autocomplete_fields = ["currency"]
    raw_id_fields = ["customer", "created_by"]
    readonly_fields = ["created_at"]


@admin.register(RateUpdate)
class RateUpdateAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "provider",
        "status",
        "rates_date",
        "rate_count",
        "digest_sent",
        "requested_by",
    ]
    list_filter = ["status", "provider"]
    list_select_related = ["requested_by"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "provider",
        "status",
        "started_at",
        "finished_at",
        "rates_date",
        "rate_count",
        "error",
        "requested_by",
        "digest_sent",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # a log, written by the update itself


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "unit", "unit_price", "currency", "tax_rate", "is_active"]
    list_filter = ["is_active", "currency"]
    search_fields = ["sku", "name", "description"]
    list_editable = ["is_active"]


class ReadOnlyLinesInline(admin.TabularInline):
    """Lines are shown, never edited here: totals are computed only by the services."""

    extra = 0
    can_delete = False
    fields = readonly_fields = ["position", "product", *LINE_FIGURES]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read-mostly: numbers, totals and emails come from the back-office services."""

    list_filter = ["status", "currency"]
    # Followed, in each document, by the fields its own steps set.
    readonly_fields = ["number", "status", "subtotal", "discount_total", "tax_total", "total"]

    def has_add_permission(self, request) -> bool:
        return False


class QuotationLineInline(ReadOnlyLinesInline):
    model = QuotationLine


@admin.register(Quotation)
class QuotationAdmin(IssuedDocumentAdmin):
    list_display = ["number", "customer", "status", "total", "currency", "valid_until"]
    search_fields = ["number", "customer__name", "customer__number"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer", "contact"]
    readonly_fields = [*IssuedDocumentAdmin.readonly_fields, "sent_at", "decided_at", "created_by"]
    inlines = [QuotationLineInline]


class OrderLineInline(ReadOnlyLinesInline):
    model = OrderLine


@admin.register(Order)
class OrderAdmin(IssuedDocumentAdmin):
    """Every status change goes through the order services."""

    list_display = ["number", "customer", "status", "total", "currency", "owner", "created_at"]
    search_fields = ["number", "customer__name", "customer__number", "customer_reference"]
    list_select_related = ["customer", "owner"]
    autocomplete_fields = ["customer", "owner", "placed_by", "source_quotation"]
    readonly_fields = [
        *IssuedDocumentAdmin.readonly_fields,
        "base_currency",
        "exchange_rate",
        "rate_source",
        "rate_date",
        "total_base",
        "submitted_at",
        "confirmed_at",
        "cancelled_at",
    ]
    inlines = [OrderLineInline]
