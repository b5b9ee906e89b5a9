from django.contrib import admin

from .models import ActivityEntry, Contact, Customer, CustomerGroup


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["first_name", "last_name", "email", "phone", "position", "is_primary", "user"]
    raw_id_fields = ["user"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "type", "group", "country", "advisor", "is_active"]
    list_filter = ["type", "group", "is_active", "country"]
    search_fields = ["number", "name", "email", "contacts__email"]
    list_select_related = ["group", "advisor"]
    raw_id_fields = ["advisor"]
    readonly_fields = ["number", "created_at", "updated_at"]
    inlines = [ContactInline]


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "description"]
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "customer", "email", "is_primary", "user"]
    list_filter = ["is_primary"]
    search_fields = ["first_name", "last_name", "email", "customer__name"]
    list_select_related = ["customer", "user"]
    raw_id_fields = ["customer", "user"]


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
