"""Forms of the CSV import: the upload, and the column mapping shown with the preview."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lumytic.core.validation import CheckedForm

from . import csvspec
from .services.importing import MAX_BYTES, ImportFileError, inspect_upload, mapping_problems


class ImportUploadForm(CheckedForm):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    update_existing = forms.BooleanField(
        label=_("Update existing customers"),
        required=False,
        help_text=_(
            "A line whose number, email, tax ID or CR number matches a customer updates that "
            "customer with the line's non-empty values. Otherwise such lines are skipped as "
            "duplicates."
        ),
    )

    field_order = ["file", "update_existing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8 text with a header line; commas or semicolons between columns; "
            "up to %(limit)d MB."
        ) % {"limit": MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.file_info = inspect_upload(upload=upload)
        except ImportFileError as error:
            raise forms.ValidationError(str(error), code="bad_file") from error
        return upload


class ImportMappingForm(CheckedForm):
    """One choice per CSV column: which customer column it fills, or none."""

    update_existing = forms.BooleanField(
        label=_("Update existing customers instead of skipping them as duplicates"),
        required=False,
    )

    def __init__(self, *args, headers: list[str], first_line: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("— ignore this column —"))] + [
            (column.header, f"{column.label} · {column.header}") for column in csvspec.COLUMNS
        ]
        self.columns = []
        for position, header in enumerate(headers):
            if not header:
                continue
            name = f"column_{position}"
            self.fields[name] = forms.ChoiceField(label=header, choices=choices, required=False)
            sample = first_line[position] if position < len(first_line) else ""
            self.columns.append((self[name], header, sample))

    def clean(self):
        cleaned = super().clean()
        for problem in mapping_problems(headers=self.headers, mapping=self.mapping()):
            self.add_error(None, problem)
        return cleaned

    def mapping(self) -> dict[str, str]:
        """Return the chosen mapping: CSV column -> customer column (ignored ones left out)."""
        data = getattr(self, "cleaned_data", {})
        return {
            header: data[f"column_{position}"]
            for position, header in enumerate(self.headers)
            if header and data.get(f"column_{position}")
        }
