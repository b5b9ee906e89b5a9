"""Input checks shared by every form and filter."""

import unicodedata
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def sensible_dates() -> list:
    """Validators for a date field: a date outside 1900-2999 is a typo, and near the calendar's
    end a day after it cannot even be computed (a 500 before this)."""
    return [
        MinValueValidator(EARLIEST, message=_("Enter a date from 1900 on.")),
        MaxValueValidator(LATEST, message=_("Enter a date before the year 3000.")),
    ]


# --- Text ----------------------------------------------------------------------------------------

MULTILINE_ALLOWED = frozenset("\n\r\t")


def control_characters(value: str, *, multiline: bool) -> list[str]:
    """The control characters in `value` (newlines and tabs are fine in a multi-line box)."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    return [ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in allowed]


@deconstructible
class NoControlCharacters:
    """Refuse NUL and other control characters: PostgreSQL can't store a NUL (a 500 before
    this), and the others are invisible in a page, an email or a PDF."""

    message = _("Remove the control characters (such as NUL) from this text.")
    code = "control_characters"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str) and control_characters(value, multiline=self.multiline):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


# --- Numbers -------------------------------------------------------------------------------------

# A line's quantity: more than anyone orders, far below what numeric(12, 3) holds.
MAX_QUANTITY = Decimal(1_000_000)
# Money columns are numeric(17, 3): an amount must stay below 10^14.
AMOUNT_LIMIT = Decimal(10) ** 14


def amount_limit_text(currency: str = "") -> str:
    """The largest amount a document can hold, for a message."""
    return f"{AMOUNT_LIMIT - 1:,}" + (f" {currency}" if currency else "")


def amounts_fit(*amounts) -> bool:
    """Whether every amount (a line total, an order total) can be stored."""
    return all(abs(Decimal(amount)) < AMOUNT_LIMIT for amount in amounts)


# --- Forms ---------------------------------------------------------------------------------------


# The most a text field takes when neither it nor its model column sets a limit (a password,
# a message body): nobody types more, and a longer one only costs hashing and storage.
MAX_LINE_CHARS = 1000
MAX_TEXT_CHARS = 5000


class CheckedInputMixin:
    """The one input check every form of the project runs, before its own cleaning: no control
    characters in any text field (newlines and tabs allowed in a text area) and a length limit
    on every text field. A test (tests/lumytic/test_input_checks.py) fails for a project form
    without it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            # Ours covers Django's NUL check, with one message for every control character.
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            field.validators.append(NoControlCharacters(multiline=multiline))
            if field.max_length is None:
                field.max_length = MAX_TEXT_CHARS if multiline else MAX_LINE_CHARS
                field.validators.append(MaxLengthValidator(field.max_length))


class CheckedForm(CheckedInputMixin, forms.Form):
    """A plain form with the project's input check."""


class CheckedModelForm(CheckedInputMixin, forms.ModelForm):
    """A model form with the project's input check."""
