from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserChangeForm, UserCreationForm
from .models import User
from .roles import ROLE_LABELS


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "role",
        "staff_roles",
        "sales_notifications",
        "is_active",
    ]
    list_filter = ["role", "groups", "sales_notifications", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "language")}),
        (_("Role"), {"fields": ("role", "groups", "sales_notifications")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            # Staff roles are groups (lumytic/accounts/roles.py; `manage.py sync_roles`);
            # the portal's access areas are groups too, managed from the customer's page.
            field.label = _("Roles")
            field.help_text = _(
                "Staff roles: %(roles)s. Each grants the permissions listed in "
                "lumytic/accounts/roles.py. Groups named portal:… are a portal user's areas."
            ) % {"roles": ", ".join(str(label) for label in ROLE_LABELS.values())}
        return field

    @admin.display(description=_("Roles"))
    def staff_roles(self, user) -> str:
        held = {group.name for group in user.groups.all()}
        return ", ".join(str(label) for name, label in ROLE_LABELS.items() if name in held)
