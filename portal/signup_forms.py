"""The self-signup form of the portal and the staff's approval and rejection forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from customers.models import ADDRESS_PARTS, CustomerGroup
from lumytic.core.uploads import ContentTypeValidator, name_by_content
from lumytic.core.validation import CheckedForm, CheckedModelForm

from .models import RegistrationRequest
from .services.registrations import APPLICANT_FIELDS, signup_refusal

CR_FILE_MAX_BYTES = 5 * 1024 * 1024
CR_FILE_ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
# An address needs these parts; the rest (foundation name, state, postal code) are optional.
REQUIRED_ADDRESS_PARTS = (
    "first_name",
    "last_name",
    "commercial_name",
    "email",
    "country",
    "city",
    "street",
)
SHIPPING_FIELDS = tuple(f"shipping_{part}" for part in ADDRESS_PARTS)
HONEYPOT = "fax_extension"
# How an address is laid out on the page: each part with its Bootstrap column width.
ADDRESS_LAYOUT = (
    ("first_name", "col-md-6"),
    ("last_name", "col-md-6"),
    ("commercial_name", "col-md-6"),
    ("foundation_name", "col-md-6"),
    ("email", "col-md-6"),
    ("country", "col-md-6"),
    ("street", "col-12"),
    ("city", "col-md-4"),
    ("state", "col-md-4"),
    ("postal_code", "col-md-4"),
)


class SignupForm(CheckedModelForm):
    """A company's registration request; only the applicant's own fields are accepted."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    cr_file = forms.FileField(
        label=_("Commercial registration document"),
        help_text=_("A PDF, PNG or JPEG file of at most 5 MB."),
        validators=[ContentTypeValidator(max_bytes=CR_FILE_MAX_BYTES)],
        widget=forms.ClearableFileInput(attrs={"accept": CR_FILE_ACCEPT}),
    )
    # Hidden from people; bots that fill every field reveal themselves here.
    fax_extension = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = RegistrationRequest
        fields = list(APPLICANT_FIELDS)
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email": _("Email address"),
            "address": _("Physical address"),
            "cr_number": _("Commercial registration (CR) number"),
            "tax_id": _("Tax ID (optional)"),
            "shipping_same_as_billing": _("Shipping details same as billing details"),
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("In international format, e.g. +971 4 234 5678.")
        for part in REQUIRED_ADDRESS_PARTS:
            self.fields[f"billing_{part}"].required = True
            # Shipping parts are needed only when shipping differs; clean() checks them then.
            self.fields[f"shipping_{part}"].widget.attrs["data-needed"] = "1"
        for name in SHIPPING_FIELDS:
            self.fields[name].required = False
        if self.is_bound and self._same_as_billing():
            # The browser disables the hidden shipping fields; whatever a client sends anyway is
            # dropped, so it can neither fail validation nor be stored.
            self.data = self.data.copy()
            for name in SHIPPING_FIELDS:
                self.data.pop(self.add_prefix(name), None)

    def _same_as_billing(self) -> bool:
        field = self.fields["shipping_same_as_billing"]
        return bool(
            field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix("shipping_same_as_billing")
            )
        )

    def _address(self, kind: str) -> list[tuple]:
        return [(self[f"{kind}_{part}"], width) for part, width in ADDRESS_LAYOUT]

    @property
    def billing_fields(self) -> list[tuple]:
        return self._address("billing")

    @property
    def shipping_fields(self) -> list[tuple]:
        return self._address("shipping")

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())

    def clean_cr_file(self):
        upload = self.cleaned_data["cr_file"]
        name_by_content(upload)  # stored and shown with the extension of what it is
        return upload

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        refusal = signup_refusal(email)
        if refusal:
            raise forms.ValidationError(refusal)
        return email

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("shipping_same_as_billing"):
            for part in REQUIRED_ADDRESS_PARTS:
                name = f"shipping_{part}"
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        _("Required when shipping differs from billing."),
                    )
        return cleaned

    def applicant_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in APPLICANT_FIELDS}


class RejectForm(CheckedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        help_text=_("The applicant receives this reason by email."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(CheckedForm):
    """Who looks after the new customer and its group; preselected with the reviewer and the
    default group."""

    advisor = forms.ModelChoiceField(
        label=_("Advisor"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose an active staff member as the advisor."),
            "invalid_choice": _("Choose an active staff member as the advisor."),
        },
    )
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose one of the customer groups."),
            "invalid_choice": _("Choose one of the customer groups."),
        },
    )

    def __init__(self, *args, reviewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = (
            get_user_model().objects.staff().order_by("first_name", "last_name", "email")
        )
        self.fields["group"].queryset = CustomerGroup.objects.order_by("name")
        if not self.is_bound:
            if getattr(reviewer, "is_sales_staff", False):
                self.initial.setdefault("advisor", reviewer.pk)
            self.initial.setdefault("group", CustomerGroup.default().pk)
