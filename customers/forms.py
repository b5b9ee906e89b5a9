from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumytic.core.uploads import name_by_content
from lumytic.core.validation import CheckedForm, CheckedModelForm

from .currencies import currency_choices
from .models import CUSTOMER_DOCUMENT_VALIDATOR, Contact, Customer, CustomerGroup

# Which tab of the four-tab form holds each field, so errors can be shown on the right tab.
TABS = {
    "general": (
        "name",
        "type",
        "group",
        "email",
        "phone",
        "fax",
        "website",
        "country",
        "state",
        "address",
        "advisor",
        "reseller",
        "tags_text",
        "logo",
        "is_active",
    ),
    "finance": (
        "default_currency",
        "discount_type",
        "discount_value",
        "tax_type",
        "tax_rate",
        "tax_id",
        "national_id",
        "cr_number",
        "cr_document",
        "late_payment_exempt",
    ),
    "address": (
        *(f"billing_{part}" for part in Customer.ADDRESS_PARTS),
        "shipping_same_as_billing",
        *(f"shipping_{part}" for part in Customer.ADDRESS_PARTS),
        "latitude",
        "longitude",
    ),
    "contact": (
        "contact-first_name",
        "contact-last_name",
        "contact-email",
        "contact-phone",
        "contact-position",
        "contact-messaging_handle",
        "contact-portal_login",
    ),
}
TAB_LABELS = {
    "general": _("General"),
    "finance": _("Finance"),
    "address": _("Address"),
    "contact": _("Contact"),
}


class CustomerForm(CheckedModelForm):
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
        max_length=500,
    )
    default_currency = forms.ChoiceField(label=_("Default currency"), choices=())
    # A website typed without a scheme ("acme.com") is taken as https.
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    # Not a customer field: an upload becomes the next version of the customer's CR document.
    cr_document = forms.FileField(
        label=_("Commercial registration document"),
        required=False,
        validators=[CUSTOMER_DOCUMENT_VALIDATOR],
        help_text=_("PDF, PNG or JPEG. Uploading adds a new version; earlier ones are kept."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    class Meta:
        model = Customer
        # The tab map above is the one list of the form's fields.
        fields = [
            name
            for tab in ("general", "finance", "address")
            for name in TABS[tab]
            if name not in {"tags_text", "cr_document"}
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_currency"].choices = currency_choices()
        self.fields["group"].queryset = CustomerGroup.objects.order_by("name")
        self.fields["advisor"].queryset = get_user_model().objects.staff()
        # A long customer list would make a huge drop-down; pick resellers by number instead.
        self.fields["reseller"].widget = forms.TextInput(
            attrs={"placeholder": _("Customer number, e.g. CUS-000042")}
        )
        self.fields["reseller"].to_field_name = "number"
        if self.instance.pk:
            self.fields["reseller"].queryset = Customer.objects.exclude(pk=self.instance.pk)
            self.initial["tags_text"] = ", ".join(t.name for t in self.instance.tags.all())
            if self.instance.reseller_id:
                self.initial["reseller"] = self.instance.reseller.number
        else:
            self.initial.setdefault("group", CustomerGroup.default().pk)
        self.fields["email"].required = True
        self.fields["country"].required = True

    def clean_logo(self):
        logo = self.cleaned_data["logo"]
        if isinstance(logo, UploadedFile):
            name_by_content(logo)  # stored with the extension of what it is
        return logo

    def clean_tags_text(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["tags_text"].split(",") if n.strip()]
        too_long = [n for n in names if len(n) > 50]
        if too_long:
            raise forms.ValidationError(_("A tag can have at most 50 characters."))
        unique = {name.lower(): name for name in reversed(names)}  # first spelling wins
        return sorted(unique.values(), key=str.lower)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("discount_type")
        value = cleaned.get("discount_value")
        if kind == Customer.DiscountType.PERCENT and value is not None and value > 100:
            self.add_error("discount_value", _("A percentage discount cannot exceed 100."))
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned


class PrimaryContactForm(CheckedModelForm):
    portal_login = forms.BooleanField(
        label=_("Create a portal login for this contact"),
        required=False,
        help_text=_("They receive an email with a link to set their password."),
    )

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "position", "messaging_handle"]

    def __init__(self, *args, may_grant_portal: bool = True, **kwargs):
        super().__init__(*args, prefix="contact", **kwargs)
        # A login is offered to whoever may manage portal access (lumytic/accounts/roles.py).
        if (self.instance.pk and self.instance.user_id) or not may_grant_portal:
            del self.fields["portal_login"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("portal_login"):
            email = cleaned.get("email")
            if not email:
                self.add_error("email", _("A portal login needs an email address."))
            elif get_user_model().objects.filter(email__iexact=email).exists():
                self.add_error("email", _("Someone already signs in with this email address."))
        return cleaned


class CustomerGroupForm(CheckedModelForm):
    class Meta:
        model = CustomerGroup
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


def tab_errors(*forms_: forms.BaseForm) -> dict[str, int]:
    """Count the errors on each tab of the four-tab form."""
    counts = dict.fromkeys(TABS, 0)
    for form in forms_:
        for name, errors in form.errors.items():
            key = f"{form.prefix}-{name}" if form.prefix else name
            for tab, fields in TABS.items():
                if key in fields or (name == "__all__" and tab == "general"):
                    counts[tab] += len(errors)
                    break
    return counts


class ContactForm(CheckedModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "position", "messaging_handle"]


class NoteForm(CheckedForm):
    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Only staff ever see notes.")}),
    )


class ReminderForm(CheckedForm):
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    staff = forms.ModelChoiceField(label=_("Remind"), queryset=None)
    text = forms.CharField(
        label=_("Reminder"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (
            get_user_model().objects.staff().order_by("first_name", "last_name", "email")
        )

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return due_at


class CreditForm(CheckedForm):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=15, decimal_places=3, min_value=Decimal("0.001")
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
