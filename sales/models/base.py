"""What several sales documents share: money precision, the abstract document line and totals,
the abstract reviewed upload behind signed copies and payment proofs, and the signed copy."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import validate_currency
from lumytic.core.model_fields import percent_field, status_field, stored_file, user_link
from lumytic.core.uploads import ContentTypeValidator
from lumytic.core.workflow import StatusMachine

ZERO = Decimal("0")
# Three places hold every currency in use (KWD, BHD, OMR, JOD have 3); each amount is still
# rounded to its own currency's decimals by sales.totals before it is stored.
MONEY_PLACES = 3


def amount_field(verbose_name=None) -> models.DecimalField:
    """An amount sales.totals computes and stores (never typed in); zero until then."""
    return models.DecimalField(
        verbose_name, max_digits=17, decimal_places=MONEY_PLACES, default=ZERO
    )


def price_field(verbose_name) -> models.DecimalField:
    """A unit price in the document's (or product's) currency, never below zero."""
    return models.DecimalField(
        verbose_name,
        max_digits=15,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(ZERO)],
    )


SIGNED_MAX_BYTES = 10_485_760
SIGNED_DOCUMENT_VALIDATOR = ContentTypeValidator(
    kinds=("pdf", "png", "jpeg"), max_bytes=SIGNED_MAX_BYTES
)


class Line(models.Model):
    """A document line: what, how many, at which price, discount and tax."""

    position = models.PositiveIntegerField(default=0)
    # A lazy reference: catalogue.py imports this module's constants.
    product = models.ForeignKey(
        "sales.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit_price = price_field(_("unit price"))
    discount_percent = percent_field(_("discount %"))
    tax_rate = percent_field(_("tax %"))
    # Computed by sales.totals when the document is saved; never typed in.
    net_amount = amount_field()
    tax_amount = amount_field()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class DraftThenSent(StatusMachine):
    """A document staff draft and then send; once sent it never changes (a memo amends a PI)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    ALLOWED_TRANSITIONS = {Status.DRAFT: {Status.SENT}}


class Totals(models.Model):
    """A document's totals, computed in one place (sales.totals) and stored."""

    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    subtotal = amount_field(_("subtotal"))
    discount_total = amount_field(_("discount"))
    tax_total = amount_field(_("tax"))
    total = amount_field(_("total"))

    class Meta:
        abstract = True


class ReviewedUpload(models.Model):
    """An uploaded file staff review: who sent it, its fingerprint, and the decision."""

    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = user_link(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = user_link(_("decided by"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        abstract = True

    download_stem = ""  # a subclass names its download, without the extension

    @property
    def download_name(self) -> str:
        """The attachment name: the subclass's stem with the stored file's extension."""
        ext = "." + self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else ""
        return f"{self.download_stem}{ext}"


class SignedCopy(StatusMachine, ReviewedUpload):
    """One uploaded version of a signed document (a PI, a memo, a cancellation order): every
    version is kept with its SHA-256, newest first, and staff approve or reject each."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ALLOWED_TRANSITIONS = {Status.PENDING: {Status.APPROVED, Status.REJECTED}}

    version = models.PositiveIntegerField(_("version"))
    file = stored_file(_("file"), "sales/signed", SIGNED_DOCUMENT_VALIDATOR)
    status = status_field(Status, Status.PENDING)

    class Meta:
        abstract = True
        ordering = ["-version", "-pk"]

    def __str__(self) -> str:
        return f"{self.document} · v{self.version}"

    @property
    def document(self):
        """What this is a signed copy of (each subclass says)."""
        raise NotImplementedError

    @property
    def download_stem(self) -> str:
        return f"{self.document.number}-signed-v{self.version}"
