"""Proforma invoices, their memos and the signed copies customers upload (DESIGN.md §3).

A PI copies everything it prints — lines, totals, seller, bank and billing details — when it is
issued, so it never changes after it is sent, whatever later happens to the order or the
company profile.
"""

from datetime import timedelta

from django.db import models
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumytic.core.choices import status_display
from lumytic.core.model_fields import document_number, rejection_has_reason, status_field, user_link

from .base import DraftThenSent, Line, SignedCopy, Totals
from .orders import Order

PI_DUE_DAYS = 14


def default_due_date(issue_date):
    return issue_date + timedelta(days=PI_DUE_DAYS)


MONEY = models.DecimalField(max_digits=17, decimal_places=3)
ZERO = models.Value(0, MONEY)


class PiState(models.TextChoices):
    """Where a PI's money stands: the one definition every list, tab, card and email shows."""

    DRAFT = "draft", _("Draft")
    UNPAID = "unpaid", _("Unpaid")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Settled by credit")
    VOID = "void", _("Void")


# States in which the customer still owes money on the PI.
OPEN_STATES = (PiState.UNPAID, PiState.PARTLY_PAID)


class ProformaInvoiceQuerySet(models.QuerySet):
    def with_amounts(self) -> "ProformaInvoiceQuerySet":
        """Annotated with the PI's money, computed here and nowhere else:
        `paid` (confirmed payments), `credited` (applied credits), `pending` (proofs awaiting
        review), `received` (paid + credited), `written_off` (the unpaid rest a completed
        cancellation wrote off), `balance` (still due: never below zero, zero for a draft or a
        void PI) and `state` (a `PiState`). A PI is void once its order is cancelled.

        The sums are kept on the PI by `sales.services.payments.refresh_pi_money`, which every
        step that moves money calls in its transaction: read from subqueries instead, the badge
        and list queries of a customer with 200 orders took several times longer."""
        received = models.F("money_paid") + models.F("money_credited")
        annotated = self.annotate(
            paid=models.F("money_paid"),
            credited=models.F("money_credited"),
            pending=models.F("money_pending"),
            written_off=models.F("money_written_off"),
            received=models.ExpressionWrapper(received, output_field=MONEY),
        )
        void = models.Q(order__status=Order.Status.CANCELLED)
        draft = models.Q(status=ProformaInvoice.Status.DRAFT)
        covered = models.Q(received__gte=models.F("total"))
        return annotated.annotate(
            balance=models.Case(
                models.When(draft | void, then=ZERO),
                default=Greatest(models.F("total") - models.F("received"), ZERO),
                output_field=MONEY,
            ),
            state=models.Case(
                models.When(draft, then=models.Value(PiState.DRAFT)),
                models.When(void, then=models.Value(PiState.VOID)),
                models.When(
                    covered & models.Q(paid=0, credited__gt=0),
                    then=models.Value(PiState.CREDITED),
                ),
                models.When(covered, then=models.Value(PiState.PAID)),
                models.When(received__gt=0, then=models.Value(PiState.PARTLY_PAID)),
                default=models.Value(PiState.UNPAID),
                output_field=models.CharField(),
            ),
        )

    def open(self) -> "ProformaInvoiceQuerySet":
        """Sent PIs the customer still owes money on: the rows whose `with_amounts()` state is
        in OPEN_STATES, tested on the stored sums alone so it needs no annotation."""
        received = models.F("money_paid") + models.F("money_credited")
        return self.filter(status=ProformaInvoice.Status.SENT, total__gt=received).exclude(
            order__status=Order.Status.CANCELLED
        )

    def sent(self) -> "ProformaInvoiceQuerySet":
        """What the customer may see: drafts stay with the sales team."""
        return self.filter(status=ProformaInvoice.Status.SENT)

    def with_documents(self) -> "ProformaInvoiceQuerySet":
        """With the signed PI versions, the memos and their signed versions (and who uploaded
        and decided each), in four more queries."""
        documents = SignedDocument.objects.select_related("uploaded_by", "decided_by")
        memos = Memo.objects.select_related("created_by").prefetch_related(
            models.Prefetch("signed_documents", queryset=documents)
        )
        return self.prefetch_related(
            models.Prefetch("signed_documents", queryset=documents.filter(memo__isnull=True)),
            models.Prefetch("memos", queryset=memos),
        )


class ProformaInvoice(DraftThenSent, Totals):
    get_status_display = status_display

    number = document_number()
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="proforma_invoices"
    )
    status = status_field(DraftThenSent.Status, DraftThenSent.Status.DRAFT)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))

    # The buyer, as confirmed on the order.
    customer_name = models.CharField(_("customer"), max_length=200)
    customer_number = models.CharField(_("customer number"), max_length=20, blank=True)
    customer_tax_id = models.CharField(_("customer tax ID"), max_length=64, blank=True)
    bill_to = models.TextField(_("bill to"), blank=True)
    ship_to = models.TextField(_("ship to"), blank=True)
    customer_reference = models.CharField(_("customer reference"), max_length=100, blank=True)

    # The seller and its bank, from the company profile at issue time.
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_address = models.TextField(_("seller address"), blank=True)
    seller_email = models.CharField(_("seller email"), max_length=254, blank=True)
    seller_phone = models.CharField(_("seller phone"), max_length=40, blank=True)
    seller_cr_number = models.CharField(_("seller CR number"), max_length=64, blank=True)
    seller_tax_id = models.CharField(_("seller tax ID"), max_length=64, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=200, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_iban = models.CharField(_("IBAN / account number"), max_length=64, blank=True)
    bank_swift = models.CharField(_("SWIFT / BIC"), max_length=11, blank=True)
    bank_address = models.TextField(_("bank address"), blank=True)

    created_by = user_link()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Sums of the money rows, kept by sales.services.payments.refresh_pi_money; read them
    # through `with_amounts()`.
    money_paid = models.DecimalField(max_digits=17, decimal_places=3, default=0, editable=False)
    money_credited = models.DecimalField(max_digits=17, decimal_places=3, default=0, editable=False)
    money_pending = models.DecimalField(max_digits=17, decimal_places=3, default=0, editable=False)
    money_written_off = models.DecimalField(
        max_digits=17, decimal_places=3, default=0, editable=False
    )

    objects = ProformaInvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proforma invoice")
        verbose_name_plural = _("proforma invoices")
        permissions = [
            ("issue_documents", _("Send quotations, issue and send PIs and memos")),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            # One PI per order; later changes are memos against it.
            models.UniqueConstraint(fields=["order"], name="sales_pi_one_per_order"),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("issue_date")),
                name="sales_pi_due_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:order-detail", args=[self.order_id]) + "#proforma-invoice"

    # What follows reads the annotations of `ProformaInvoice.objects.with_amounts()`.

    def get_state_display(self) -> str:
        return PiState(self.state).label

    @property
    def settled_by(self) -> str:
        """What settled a paid PI: payments, credit, or both ("" while money is still due)."""
        if self.state not in (PiState.PAID, PiState.CREDITED):
            return ""
        if self.paid and self.credited:
            return _("Payments and credit")
        return _("Payments") if self.paid else _("Credit")

    @property
    def is_overdue(self) -> bool:
        return self.state in OPEN_STATES and self.due_date < timezone.localdate()


class ProformaInvoiceLine(Line):
    pi = models.ForeignKey(ProformaInvoice, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=64, blank=True)

    class Meta(Line.Meta):
        verbose_name = _("proforma invoice line")
        verbose_name_plural = _("proforma invoice lines")


MEMO_MAX_CHARS = 5000


class MemoQuerySet(models.QuerySet):
    def sent(self) -> "MemoQuerySet":
        """What the customer may see: drafts stay with the sales team."""
        return self.filter(status=Memo.Status.SENT)


class Memo(DraftThenSent, models.Model):
    """A memo against a sent PI: payment instructions or amendments, which the customer signs.

    The PI never changes after it is sent; a memo is how it is amended.
    """

    get_status_display = status_display

    number = document_number()
    pi = models.ForeignKey(
        ProformaInvoice,
        verbose_name=_("proforma invoice"),
        on_delete=models.PROTECT,
        related_name="memos",
    )
    text = models.TextField(_("memo text"), max_length=MEMO_MAX_CHARS)
    status = status_field(DraftThenSent.Status, DraftThenSent.Status.DRAFT)
    created_by = user_link()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("PI memo")
        verbose_name_plural = _("PI memos")
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="sales_memo_has_text"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:order-detail", args=[self.pi.order_id]) + "#proforma-invoice"

    @property
    def awaiting_signature(self) -> bool:
        """Sent, and no signed version is waiting for review or approved (uses the prefetch)."""
        decided = {SignedDocument.Status.PENDING, SignedDocument.Status.APPROVED}
        return self.status == self.Status.SENT and not any(
            document.status in decided for document in self.signed_documents.all()
        )


class SignedDocument(SignedCopy):
    """One uploaded version of a signed PI, or of a signed memo (then `memo` is set and `pi` is
    the memo's PI); every version is kept, newest first."""

    # On the concrete model: Django sets its own get_status_display on each concrete class.
    get_status_display = status_display

    pi = models.ForeignKey(
        ProformaInvoice,
        verbose_name=_("proforma invoice"),
        on_delete=models.PROTECT,
        related_name="signed_documents",
    )
    memo = models.ForeignKey(
        Memo,
        verbose_name=_("memo"),
        on_delete=models.PROTECT,
        related_name="signed_documents",
        null=True,
        blank=True,
    )

    class Meta(SignedCopy.Meta):
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        permissions = [
            ("review_signed_documents", _("Approve or reject signed PIs, memos and cancellations")),
        ]
        constraints = [
            # Versions count per signed PI and, separately, per signed memo.
            models.UniqueConstraint(
                fields=["pi", "version"],
                condition=models.Q(memo__isnull=True),
                name="sales_signeddoc_version",
            ),
            models.UniqueConstraint(
                fields=["memo", "version"],
                condition=models.Q(memo__isnull=False),
                name="sales_signeddoc_memo_version",
            ),
            rejection_has_reason("sales_signeddoc_rejected_has_reason"),
        ]

    @property
    def document(self) -> Memo | ProformaInvoice:
        return self.memo if self.memo_id else self.pi
