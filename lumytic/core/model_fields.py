"""Field and constraint declarations that many models share, so a model declares each in a line.

They build ordinary Django fields and constraints: a migration sees exactly what it would see
written out.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .uploads import GeneratedName

# Who may be picked as an owner or assignee; a customer's advisor must also still be active.
STAFF = {"role": "staff"}
ACTIVE_STAFF = {"role": "staff", "is_active": True}

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def percent_field(verbose_name) -> models.DecimalField:
    """A percentage from 0 to 100 with two decimals (a discount or a tax rate), 0 unless set."""
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )


def user_link(verbose_name=None, *, related_name="+", blank=False, **options) -> models.ForeignKey:
    """A user who did something to the record; the record stays (the link empties) if they go."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name=related_name,
        **options,
    )


def document_number(*, given_later: bool = False) -> models.CharField:
    """A document's number: unique and never typed in; empty until given when `given_later`."""
    return models.CharField(
        _("number"),
        max_length=20,
        unique=True,
        null=given_later,
        blank=given_later,
        editable=False,
    )


def status_field(choices, default, *, max_length: int = 16) -> models.CharField:
    """The `status` of a status machine, indexed because lists filter by it."""
    return models.CharField(
        _("status"), max_length=max_length, choices=choices, default=default, db_index=True
    )


def stored_file(verbose_name, folder: str, validator) -> models.FileField:
    """An uploaded file, checked by its content and stored under a generated name in `folder`."""
    return models.FileField(
        verbose_name, upload_to=GeneratedName(folder), validators=[validator], max_length=200
    )


def rejection_has_reason(name: str) -> models.CheckConstraint:
    """A rejected row says why in its `reason`, which is what the other side is told."""
    return models.CheckConstraint(
        condition=~models.Q(status="rejected") | ~models.Q(reason=""), name=name
    )
