"""What staff keep on a customer: notes, reminders, credits, documents and the timeline."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumytic.core.model_fields import ACTIVE_STAFF, stored_file, user_link
from lumytic.core.uploads import ContentTypeValidator

from .customer import Customer, validate_currency


class Note(models.Model):
    """An internal note about a customer; never shown in the portal."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = user_link()
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:60]


class Reminder(models.Model):
    """A dated reminder for a staff member about a customer; emailed once when due."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reminders")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="reminders",
        limit_choices_to=ACTIVE_STAFF,
    )
    due_at = models.DateTimeField(_("due"))
    text = models.TextField(_("reminder"))
    created_by = user_link()
    notified_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["notified_at", "due_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class Credit(models.Model):
    """An amount owed back to a customer, usable on later proforma invoices."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credits")
    # Three places, for the currencies with three decimals (KWD, BHD, OMR, JOD).
    amount = models.DecimalField(
        _("amount"),
        max_digits=15,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    reason = models.CharField(_("reason"), max_length=200)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="customers_credit_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


CUSTOMER_DOCUMENT_MAX_BYTES = 10_485_760


CUSTOMER_DOCUMENT_VALIDATOR = ContentTypeValidator(
    kinds=("pdf", "png", "jpeg"), max_bytes=CUSTOMER_DOCUMENT_MAX_BYTES
)


class CustomerDocument(models.Model):
    """One version of a document kept on a customer (its CR document); every version stays."""

    class Kind(models.TextChoices):
        CR = "cr", _("CR document")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    version = models.PositiveIntegerField(_("version"))
    file = stored_file(_("file"), "customers/documents", CUSTOMER_DOCUMENT_VALIDATOR)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = user_link(_("uploaded by"), blank=True)
    # Not auto_now_add: documents moved from elsewhere keep the time they arrived.
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("customer document")
        verbose_name_plural = _("customer documents")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "version"], name="customers_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def download_name(self) -> str:
        """The attachment's name: kind, customer number and version, with the stored extension."""
        ext = "." + self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else ""
        return f"{self.kind.upper()}-{self.customer.number}-v{self.version}{ext}"


class ActivityEntry(models.Model):
    """One line of a timeline: who did what to which record, and when."""

    actor = user_link(blank=True)
    verb = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=200, blank=True)
    # Kept when the customer is deleted, so the deletion itself stays on record.
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="activity"
    )
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity")
        indexes = [
            models.Index(fields=["target_type", "target_id", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor or 'system'} {self.verb} {self.target_repr}"

    def detail_lines(self) -> list[tuple[str, object, object, bool]]:
        """(field, old or value, new, is_change) for each detail; changes are [old, new] pairs."""
        lines = []
        for name, value in self.details.items():
            label = name.replace("_", " ")
            if isinstance(value, list) and len(value) == 2:
                lines.append((label, value[0], value[1], True))
            else:
                lines.append((label, value, None, False))
        return lines
