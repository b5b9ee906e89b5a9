"""Products, quotations and orders (DESIGN.md §3 and §4). Imported by sales/models.py."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, validate_currency
from lumytic.core.choices import status_display

ZERO = Decimal("0")
# Three places hold every currency in use (KWD, BHD, OMR, JOD have 3); each amount is still
# rounded to its own currency's decimals by sales.totals before it is stored.
MONEY_PLACES = 3
PERCENT = [MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))]


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=15,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(ZERO)],
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    tax_rate = models.DecimalField(
        _("tax rate %"), max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["is_active", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="sales_product_price_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"


class Line(models.Model):
    """A document line: what, how many, at which price, discount and tax."""

    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.SET_NULL, null=True, blank=True
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=15,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(ZERO)],
    )
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT
    )
    tax_rate = models.DecimalField(
        _("tax %"), max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT
    )
    # Computed by sales.totals when the document is saved; never typed in.
    net_amount = models.DecimalField(max_digits=17, decimal_places=MONEY_PLACES, default=ZERO)
    tax_amount = models.DecimalField(max_digits=17, decimal_places=MONEY_PLACES, default=ZERO)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class Totals(models.Model):
    """A document's totals, computed in one place (sales.totals) and stored."""

    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    subtotal = models.DecimalField(
        _("subtotal"), max_digits=17, decimal_places=MONEY_PLACES, default=ZERO
    )
    discount_total = models.DecimalField(
        _("discount"), max_digits=17, decimal_places=MONEY_PLACES, default=ZERO
    )
    tax_total = models.DecimalField(
        _("tax"), max_digits=17, decimal_places=MONEY_PLACES, default=ZERO
    )
    total = models.DecimalField(
        _("total"), max_digits=17, decimal_places=MONEY_PLACES, default=ZERO
    )

    class Meta:
        abstract = True


class Quotation(Totals):
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

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
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
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    valid_until = models.DateField(_("valid until"))
    terms = models.TextField(_("terms"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
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

    def can_become(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, set())


class QuotationLine(Line):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")


class Order(Totals):
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
    number = models.CharField(
        _("number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placed_orders",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_orders",
        limit_choices_to={"role": "staff"},
    )
    source_quotation = models.OneToOneField(
        Quotation,
        verbose_name=_("quotation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
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

    billing_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    billing_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    billing_commercial_name = models.CharField(_("commercial name"), max_length=200, blank=True)
    billing_foundation_name = models.CharField(_("foundation name"), max_length=200, blank=True)
    billing_email = models.EmailField(_("email"), blank=True)
    billing_country = models.CharField(_("country"), max_length=2, blank=True)
    billing_state = models.CharField(_("state / region"), max_length=100, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_street = models.CharField(_("street"), max_length=200, blank=True)
    billing_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    shipping_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    shipping_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    shipping_commercial_name = models.CharField(_("commercial name"), max_length=200, blank=True)
    shipping_foundation_name = models.CharField(_("foundation name"), max_length=200, blank=True)
    shipping_email = models.EmailField(_("email"), blank=True)
    shipping_country = models.CharField(_("country"), max_length=2, blank=True)
    shipping_state = models.CharField(_("state / region"), max_length=100, blank=True)
    shipping_city = models.CharField(_("city"), max_length=100, blank=True)
    shipping_street = models.CharField(_("street"), max_length=200, blank=True)
    shipping_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)

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

    def can_become(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, set())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class OrderLine(Line):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
