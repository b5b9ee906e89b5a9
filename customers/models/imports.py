"""A customer import: the uploaded file, its preview and its progress."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lumytic.core.choices import status_display
from lumytic.core.model_fields import user_link
from lumytic.core.uploads import GeneratedName


class CustomerImport(models.Model):
    """One CSV import: the uploaded file, its column mapping, progress and per-line report."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    get_status_display = status_display
    file = models.FileField(upload_to=GeneratedName("customers/imports"))
    original_name = models.CharField(max_length=255)
    delimiter = models.CharField(max_length=1, default=",")
    # CSV header -> customer column header (see csvspec.HEADERS); unmapped columns are ignored.
    mapping = models.JSONField(default=dict)
    update_existing = models.BooleanField(_("update existing customers"), default=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PREVIEW)
    total_lines = models.PositiveIntegerField(default=0)
    processed_lines = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # [{"line": 7, "reason": "...", "values": {...}}], in line order.
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    created_by = user_link()
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        permissions = [
            ("import_customers", _("Import customers from CSV")),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(self.processed_lines * 100 / self.total_lines) if self.total_lines else 0
