"""Input checks shared by every form and filter."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
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
