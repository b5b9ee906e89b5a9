from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import CATALOGUE


class OutboundEmail(models.Model):
    """One rendered email to one recipient, written with the change that caused it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # A worker has claimed the row and is talking to the mail server.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.SENDING, Status.FAILED},
        Status.SENDING: {Status.SENT, Status.PENDING, Status.FAILED},
        Status.FAILED: {Status.PENDING},
    }

    event = models.CharField(_("event"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    to_email = models.EmailField(_("to"), max_length=254)
    to_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    from_email = models.CharField(_("from"), max_length=320)
    reply_to = models.CharField(_("reply-to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text part"))
    body_html = models.TextField(_("HTML part"))
    # A sign-in link is stored by kind and reference only; it is minted while sending (links.py).
    secret_link_kind = models.CharField(_("secret link"), max_length=32, blank=True)
    secret_link_ref = models.CharField(_("secret link reference"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # A retry waits until then; nothing picks the row up earlier (delivery.deliver, sweep).
    not_before = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Which worker batch holds a "sending" row, and since when (delivery._reserve).
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # Set when an attempt ended without knowing whether the server took the message; a later
    # copy, if any, carries the same Message-ID.
    outcome_unknown = models.BooleanField(_("outcome unknown"), default=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        permissions = [
            ("view_outbox", _("Read the Outbox")),
            ("resend_email", _("Resend or test an outbound email")),
        ]
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notif_email_status_idx"),
            models.Index(fields=["event", "created_at"], name="notif_email_event_idx"),
            models.Index(fields=["created_at"], name="notif_email_created_idx"),
            models.Index(
                fields=["secret_link_kind", "secret_link_ref", "-id"],
                condition=~models.Q(secret_link_kind=""),
                name="notif_email_secret_link_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed"]),
                name="notif_email_status_valid",
            ),
            # A sent email always says when, so "sent once" can be audited.
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notif_email_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.to_email}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:outbox-detail", kwargs={"pk": self.pk})

    def can_become(self, status: "OutboundEmail.Status") -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, set())

    @property
    def event_name(self) -> str:
        email_type = CATALOGUE.get(self.event)
        return str(email_type.name) if email_type else self.event


class DeliveryAttempt(models.Model):
    """How one try at handing an email to the mail server ended.

    The try itself is recorded on the email before the server is called (status "sending",
    attempts, last attempt); this row is written once its outcome is known, or by the sweep
    when the worker stopped mid-send.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("Accepted by the server")
        RETRY = "retry", _("Temporary failure, retried")
        FAILED = "failed", _("Refused")
        # The message data went out but no reply came back (timeout, worker stopped).
        UNKNOWN = "unknown", _("Unknown: the server may have it")

    email = models.ForeignKey(
        OutboundEmail, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["email", "pk"]

    def __str__(self) -> str:
        return f"{self.email_id}: {self.outcome}"


class OutboundAttachment(models.Model):
    """A file sent with an outbound email, stored with it so a resend sends the same bytes."""

    email = models.ForeignKey(
        OutboundEmail,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("email"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("MIME type"), max_length=127)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename
