from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from lumytic.core.validation import CheckedInputMixin

from .models import User


def _check_admin_role(form: forms.ModelForm) -> None:
    if form.cleaned_data.get("is_staff") and form.cleaned_data.get("role") != User.Role.STAFF:
        form.add_error("is_staff", _("Only staff users can have admin site access."))


class UserCreationForm(CheckedInputMixin, auth_forms.UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")


class UserChangeForm(CheckedInputMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "first_name",
            "last_name",
            "language",
            "role",
            "sales_notifications",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )

    def clean(self):
        cleaned = super().clean()
        _check_admin_role(self)
        return cleaned
