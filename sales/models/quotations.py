"""Quotations and their lines, with the quotation's transition table (DESIGN.md §3)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from lumytic.core.choices import status_display
from lumytic.core.model_fields import document_number, status_field, user_link
from lumytic.core.workflow import StatusMachine

from .base import Line, Totals


class Quotation(StatusMachine, Totals):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    get_status_display = status_display
    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.SENT, Status.DECLINED},
        Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.EXPIRED},
    }

    number = document_number()
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="quotations"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = status_field(Status, Status.DRAFT)
    valid_until = models.DateField(_("valid until"))
    terms = models.TextField(_("terms"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_by = user_link()
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        indexes = [models.Index(fields=["customer", "-created_at"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:quotation-detail", args=[self.pk])


class QuotationLine(Line):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
