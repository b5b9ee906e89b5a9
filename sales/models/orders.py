"""Orders and their lines, with the order workflow's transition table (DESIGN.md §4)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Addresses, Customer
from lumytic.core.choices import status_display
from lumytic.core.model_fields import STAFF, document_number, status_field, user_link
from lumytic.core.workflow import StatusMachine

from .base import MONEY_PLACES, Line, Totals
from .quotations import Quotation


class Order(StatusMachine, Totals, Addresses):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed")
        PI_SENT = "pi_sent", _("PI sent")
        PI_SIGNED = "pi_signed", _("PI signed")
        PI_APPROVED = "pi_approved", _("PI approved")
        MEMO_SENT = "memo_sent", _("Memo sent")
        MEMO_SIGNED = "memo_signed", _("Memo signed")
        PAYMENT_UPLOADED = "payment_uploaded", _("Payment uploaded")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    get_status_display = status_display
    # DESIGN.md §4 in one table. A rejected signature or payment goes back one step; orders
    # that are confirmed or later are cancelled only by a completed cancellation order.
    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.CONFIRMED, Status.CANCELLED},
        Status.CONFIRMED: {Status.PI_SENT, Status.CANCELLED},
        Status.PI_SENT: {Status.PI_SIGNED, Status.CANCELLED},
        Status.PI_SIGNED: {Status.PI_APPROVED, Status.PI_SENT, Status.CANCELLED},
        Status.PI_APPROVED: {Status.MEMO_SENT, Status.PAYMENT_UPLOADED, Status.CANCELLED},
        Status.MEMO_SENT: {Status.MEMO_SIGNED, Status.CANCELLED},
        Status.MEMO_SIGNED: {Status.MEMO_SENT, Status.PAYMENT_UPLOADED, Status.CANCELLED},
        Status.PAYMENT_UPLOADED: {
            Status.PAID,
            Status.PI_APPROVED,
            Status.MEMO_SIGNED,
            Status.CANCELLED,
        },
        Status.PAID: {Status.CANCELLED},
    }
    # The customer may change or cancel the order itself only before confirmation.
    OPEN = {Status.DRAFT, Status.SUBMITTED}

    # Given on submission, so a cart the customer abandons uses no number.
    number = document_number(given_later=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    placed_by = user_link(_("placed by"), related_name="placed_orders", blank=True)
    owner = user_link(_("owner"), related_name="owned_orders", blank=True, limit_choices_to=STAFF)
    source_quotation = models.OneToOneField(
        Quotation,
        verbose_name=_("quotation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order",
    )
    status = status_field(Status, Status.DRAFT, max_length=20)
    customer_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # The rate into the base currency, fixed when the order is confirmed.
    base_currency = models.CharField(max_length=3, blank=True)
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    rate_source = models.CharField(max_length=16, blank=True)
    rate_date = models.DateField(null=True, blank=True)
    total_base = models.DecimalField(
        max_digits=17, decimal_places=MONEY_PLACES, null=True, blank=True
    )

    # Billing and shipping come from Addresses; an order keeps the country codes as typed.
    billing_country = models.CharField(_("country"), max_length=2, blank=True)
    shipping_country = models.CharField(_("country"), max_length=2, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["owner", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft order"))

    def get_absolute_url(self) -> str:
        return reverse("sales:order-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class OrderLine(Line):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
