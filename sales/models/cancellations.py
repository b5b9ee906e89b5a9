"""Cancellation orders: how an order that is confirmed or later gets cancelled (DESIGN.md §4).

requested -> confirmed -> signed -> completed (the order becomes cancelled), or refused.
A confirmed cancellation copies the parties and amounts it prints, so its PDF never changes;
completing it turns the money received on the order into customer credit and writes off the
rest of the proforma invoice (`reversed_amount`), which statements and balances subtract.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from lumytic.core.choices import status_display
from lumytic.core.model_fields import (
    STAFF,
    document_number,
    rejection_has_reason,
    status_field,
    user_link,
)
from lumytic.core.workflow import StatusMachine

from .base import MONEY_PLACES, SignedCopy
from .orders import Order

REASON_MAX_CHARS = 2000


def _money(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=17, decimal_places=MONEY_PLACES, null=True, blank=True
    )


class CancellationQuerySet(models.QuerySet):
    def awaiting_staff(self) -> "CancellationQuerySet":
        """Requests to decide, and signed copies to review."""
        pending = SignedCancellation.objects.filter(
            cancellation=models.OuterRef("pk"), status=SignedCancellation.Status.PENDING
        )
        return self.filter(models.Q(status=Cancellation.Status.REQUESTED) | models.Exists(pending))


class Cancellation(StatusMachine, models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Awaiting signature")
        SIGNED = "signed", _("Signed")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    get_status_display = status_display
    # A rejected signed copy sends the cancellation back to the customer for signing.
    ALLOWED_TRANSITIONS = {
        Status.REQUESTED: {Status.CONFIRMED, Status.REFUSED},
        Status.CONFIRMED: {Status.SIGNED},
        Status.SIGNED: {Status.CONFIRMED, Status.COMPLETED},
    }
    OPEN = {Status.REQUESTED, Status.CONFIRMED, Status.SIGNED}

    # Given on confirmation: a refused request uses no number.
    number = document_number(given_later=True)
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="cancellations"
    )
    # The order's customer, kept here so every list and portal lookup starts from it.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="cancellations",
    )
    status = status_field(Status, Status.REQUESTED)
    reason = models.TextField(_("reason for cancelling"), max_length=REASON_MAX_CHARS)
    requested_by = user_link(_("requested by"))
    owner = user_link(
        _("owner"), related_name="owned_cancellations", blank=True, limit_choices_to=STAFF
    )
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    decided_by = user_link(_("decided by"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    # Printed on the cancellation PDF, copied on confirmation.
    seller_name = models.CharField(_("seller"), max_length=200, blank=True)
    seller_address = models.TextField(_("seller address"), blank=True)
    seller_email = models.CharField(_("seller email"), max_length=254, blank=True)
    seller_phone = models.CharField(_("seller phone"), max_length=40, blank=True)
    seller_cr_number = models.CharField(_("seller CR number"), max_length=64, blank=True)
    seller_tax_id = models.CharField(_("seller tax ID"), max_length=64, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_number = models.CharField(_("customer number"), max_length=20, blank=True)
    bill_to = models.TextField(_("bill to"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    order_total = _money(_("order total"))
    pi_number = models.CharField(_("proforma invoice"), max_length=20, blank=True)
    received = _money(_("received when confirmed"))

    # The settlement, fixed on completion.
    completed_by = user_link(_("completed by"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    credited_amount = _money(_("credited to the customer"))
    reversed_amount = _money(_("unpaid amount written off"))
    credit = models.OneToOneField(
        "customers.Credit",
        verbose_name=_("credit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancellation",
    )

    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CancellationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("cancellation order")
        verbose_name_plural = _("cancellation orders")
        permissions = [
            ("manage_cancellations", _("Open, confirm, refuse and complete cancellation orders")),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]
        constraints = [
            # One cancellation in progress (or done) per order; a refused one may be asked again.
            models.UniqueConstraint(
                fields=["order"],
                condition=~models.Q(status="refused"),
                name="sales_cancellation_one_per_order",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="sales_cancel_has_reason"),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="sales_cancel_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "refused"])
                | models.Q(number__isnull=False),
                name="sales_cancel_numbered_once_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Cancellation request for %(order)s") % {"order": self.order})

    def get_absolute_url(self) -> str:
        return reverse("sales:cancellation-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class SignedCancellation(SignedCopy):
    """One uploaded version of the signed cancellation order; every version is kept."""

    # On the concrete model: Django sets its own get_status_display on each concrete class.
    get_status_display = status_display

    cancellation = models.ForeignKey(
        Cancellation,
        verbose_name=_("cancellation order"),
        on_delete=models.PROTECT,
        related_name="signed_documents",
    )

    class Meta(SignedCopy.Meta):
        verbose_name = _("signed cancellation order")
        verbose_name_plural = _("signed cancellation orders")
        constraints = [
            models.UniqueConstraint(
                fields=["cancellation", "version"], name="sales_signedcancel_version"
            ),
            rejection_has_reason("sales_signedcancel_rejected_has_reason"),
        ]

    @property
    def document(self) -> Cancellation:
        return self.cancellation
