"""Forms of both sides: a message (with files and the message it replies to), a new ticket, an
assignee. Each lists its fields; the choices a customer may pick come from scoped querysets."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lumytic.core.uploads import display_name
from lumytic.core.validation import CheckedForm

from .models import ATTACHMENT_VALIDATOR, MAX_ATTACHMENTS, MAX_BODY, MAX_SUBJECT, Message

FILES_HELP = _("Up to %(count)s files: PDF, PNG or JPEG, 10 MB each.") % {"count": MAX_ATTACHMENTS}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", FILES_HELP)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(max)s files to one message."),
                params={"max": MAX_ATTACHMENTS},
                code="too_many",
            )
        errors = []
        for file in files:
            try:
                super().clean(file, initial)
                ATTACHMENT_VALIDATOR(file)
            except ValidationError as error:
                name = display_name(getattr(file, "name", ""))
                errors.extend(f"{name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return files


def body_field() -> forms.CharField:
    return forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message.")},
    )


class MessageForm(CheckedForm):
    """A message (or a note) in a conversation, optionally replying to one of its messages."""

    body = body_field()
    files = MultipleFileField()
    reply_to = forms.ModelChoiceField(
        queryset=Message.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That message is not part of this conversation.")},
    )

    def __init__(self, *args, replies_to: QuerySet, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_to"].queryset = replies_to
        if label:
            self.fields["body"].label = label
        if self.initial.get("reply_to"):
            self.fields["body"].widget.attrs["autofocus"] = True  # "Reply" brings you here


def _describe(document) -> str:
    return f"{document} · {document.get_status_display()}"


class TicketForm(CheckedForm):
    """A customer's new ticket; the related document is one of the documents they may see."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        error_messages={"required": _("Give your ticket a subject.")},
    )
    related = forms.ChoiceField(
        label=_("Related document"),
        required=False,
        help_text=_("Optional: the order or quotation your question is about."),
        error_messages={"invalid_choice": _("Choose one of your orders or quotations.")},
    )
    body = body_field()
    files = MultipleFileField()

    def __init__(self, *args, orders: QuerySet, quotations: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        orders, quotations = list(orders), list(quotations)
        self.documents = {
            **{f"order:{order.pk}": order for order in orders},
            **{f"quotation:{quotation.pk}": quotation for quotation in quotations},
        }
        choices = [("", _("None"))]
        for label, rows, prefix in (
            (_("Orders"), orders, "order"),
            (_("Quotations"), quotations, "quotation"),
        ):
            if rows:
                options = [(f"{prefix}:{row.pk}", _describe(row)) for row in rows]
                choices.append((label, options))
        self.fields["related"].choices = choices

    def related_documents(self) -> dict:
        """{"order": ..., "quotation": ...} for the service, from the chosen key."""
        key = self.cleaned_data.get("related") or ""
        document = self.documents.get(key)
        kind = key.partition(":")[0]
        return {kind: document} if document is not None else {}


class AssignForm(CheckedForm):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, staff: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


def reply_target(request, replies_to: QuerySet) -> Message | None:
    """The message named by `?reply_to=` (the "Reply" links), if this form may reply to it."""
    value = request.GET.get("reply_to", "")
    return replies_to.filter(pk=value).first() if value.isdigit() else None


def error_text(form: forms.Form) -> str:
    """Every error of a form in one line, for the page's message."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
