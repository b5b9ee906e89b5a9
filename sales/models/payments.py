"""Payments against proforma invoices: SWIFT proofs and applied credits (DESIGN.md §3).

Money in is one of two things, kept apart because they hold different facts:
- a `Payment` is the customer's bank transfer, with its proof file, reviewed by staff;
- a `CreditApplication` moves part of a customer's `Credit` onto a PI. It needs no proof and no
  review, and the credit's remaining amount is its amount less its applications.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumytic.core.choices import status_display
from lumytic.core.model_fields import rejection_has_reason, status_field, stored_file, user_link
from lumytic.core.uploads import ContentTypeValidator
from lumytic.core.workflow import StatusMachine

from .base import MONEY_PLACES, ReviewedUpload
from .invoices import ProformaInvoice

PROOF_MAX_BYTES = 10_485_760
PROOF_VALIDATOR = ContentTypeValidator(kinds=("pdf", "png", "jpeg"), max_bytes=PROOF_MAX_BYTES)
MONEY_DIGITS = 17
SMALLEST = Decimal("0.001")


def money_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(SMALLEST)],
    )


class PaymentQuerySet(models.QuerySet):
    def confirmed(self) -> "PaymentQuerySet":
        return self.filter(status=Payment.Status.CONFIRMED)

    def pending(self) -> "PaymentQuerySet":
        return self.filter(status=Payment.Status.PENDING)


class Payment(StatusMachine, ReviewedUpload):
    """One SWIFT proof the customer uploaded for a PI; partial payments add up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    get_status_display = status_display
    ALLOWED_TRANSITIONS = {Status.PENDING: {Status.CONFIRMED, Status.REJECTED}}

    pi = models.ForeignKey(
        ProformaInvoice,
        verbose_name=_("proforma invoice"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    paid_on = models.DateField(_("payment date"))
    bank_reference = models.CharField(_("bank reference"), max_length=100)
    file = stored_file(_("proof"), "payments/proofs", PROOF_VALIDATOR)
    status = status_field(Status, Status.PENDING)
    # What a confirmed payment paid beyond its PI, kept as the customer's credit; the PI counts
    # the payment's amount less this credit.
    excess_credit = models.OneToOneField(
        "customers.Credit",
        verbose_name=_("credit for the extra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overpayment",
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [
            ("confirm_payment", _("Confirm or reject payments")),
            ("approve_overpayment", _("Confirm a payment that overpays its PI")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="sales_payment_amount_positive"
            ),
            rejection_has_reason("sales_payment_rejected_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.pi} · {self.amount} {self.currency}"

    @property
    def applied_amount(self) -> Decimal:
        """What the payment counts for on its PI: the extra went to the customer's credit."""
        extra = self.excess_credit.amount if self.excess_credit_id else Decimal(0)
        return self.amount - extra

    @property
    def download_stem(self) -> str:
        return f"{self.pi.number}-payment-{self.pk}"


class CreditApplication(models.Model):
    """Part of a customer's credit used to pay a PI, in the PI's (and the credit's) currency."""

    pi = models.ForeignKey(
        ProformaInvoice,
        verbose_name=_("proforma invoice"),
        on_delete=models.PROTECT,
        related_name="credit_applications",
    )
    credit = models.ForeignKey(
        "customers.Credit",
        verbose_name=_("credit"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    amount = money_field(_("amount"))
    applied_by = user_link(_("applied by"))
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        ordering = ["applied_at", "pk"]
        verbose_name = _("credit application")
        verbose_name_plural = _("credit applications")
        permissions = [
            ("manage_credits", _("Create credits and apply them to PIs")),
            ("approve_large_credit", _("Create or apply a credit above the approval threshold")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="sales_creditapp_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pi} · {self.amount}"
