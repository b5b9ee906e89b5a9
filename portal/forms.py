"""Forms of the portal pages. Each lists its fields, so nothing else can be posted into a row."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer
from lumytic.core.validation import CheckedForm, CheckedModelForm
from sales.models import SIGNED_DOCUMENT_VALIDATOR

from .models import Area


class OwnDetailsForm(CheckedModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "phone", "position", "messaging_handle"]


class CompanyDetailsForm(CheckedModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Customer
        fields = ["email", "phone", "fax", "website", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="company", **kwargs)
        self.fields["email"].required = True


class SetPasswordForm(CheckedForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", user=None, **kwargs):
        self.email = email
        # The (possibly not yet saved) login the password is for: its email, name and company.
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteForm(CheckedForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"))


class PortalAccessForm(CheckedForm):
    areas = forms.MultipleChoiceField(
        label=_("Areas"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Granting an area grants its permissions; removing it removes them."),
    )
    own_orders_only = forms.BooleanField(
        label=_("Only show my own orders"),
        required=False,
        help_text=_("For users who should not see orders their colleagues placed."),
    )


class SignedCopyForm(CheckedForm):
    """The signed copy of a document; a subclass names the document in `label`."""

    label = _("Signed document")
    file = forms.FileField(
        help_text=_("PDF, PNG or JPEG, up to 10 MB."),
        validators=[SIGNED_DOCUMENT_VALIDATOR],
        error_messages={
            "required": _("Choose the signed file to upload."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = self.label
