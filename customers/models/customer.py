"""Customers, their groups, tags and contacts."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from lumytic.core.access import sees_only_own_customers
from lumytic.core.model_fields import ACTIVE_STAFF, document_number, percent_field, user_link
from lumytic.core.uploads import ContentTypeValidator, GeneratedName

from ..currencies import currency_codes
from .address import Addresses


def validate_currency(code: str) -> None:
    if code not in currency_codes():
        raise ValidationError(
            _("%(code)s is not an ISO 4217 currency in use."), params={"code": code}
        )


class CustomerGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default group"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="customers_group_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> "CustomerGroup":
        group = cls.objects.filter(is_default=True).first()
        if group is None:
            group, _created = cls.objects.get_or_create(
                name="General", defaults={"is_default": True, "description": "Default group"}
            )
        return group


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


def advised_only(user, path: str = "customer") -> models.Q:
    """A filter keeping the rows of customers this user may see (all, or those they advise when
    ADVISOR_SEES_OWN_CUSTOMERS_ONLY limits them); `path` leads from the row to its customer."""
    if sees_only_own_customers(user):
        return models.Q(**{f"{path}__advisor": user})
    return models.Q()


class CustomerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """The customers this staff user may see: those they advise when the setting limits
        advisors (ADVISOR_SEES_OWN_CUSTOMERS_ONLY), else all."""
        return self.filter(advisor=user) if sees_only_own_customers(user) else self


class Customer(Addresses):
    """A company (an "agent") that buys from us."""

    class Type(models.TextChoices):
        COMPANY = "company", _("Company")
        INDIVIDUAL = "individual", _("Individual")

    class DiscountType(models.TextChoices):
        NONE = "none", _("No discount")
        PERCENT = "percent", _("Percentage")
        AMOUNT = "amount", _("Fixed amount")

    class TaxType(models.TextChoices):
        STANDARD = "standard", _("Standard rate")
        ZERO = "zero", _("Zero-rated")
        EXEMPT = "exempt", _("Exempt")
        REVERSE = "reverse", _("Reverse charge")

    # General
    number = document_number()
    name = models.CharField(_("company name"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=Type, default=Type.COMPANY)
    group = models.ForeignKey(
        CustomerGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="customers"
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    fax = PhoneNumberField(_("fax"), blank=True)
    country = CountryField(_("country"), blank=True)
    state = models.CharField(_("state / region"), max_length=100, blank=True)
    address = models.TextField(_("physical address"), blank=True)
    advisor = user_link(
        _("customer advisor"),
        related_name="advised_customers",
        blank=True,
        limit_choices_to=ACTIVE_STAFF,
    )
    reseller = models.ForeignKey(
        "self",
        verbose_name=_("reseller"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resold_customers",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    logo = models.FileField(
        _("logo"),
        upload_to=GeneratedName("customers/logos"),
        blank=True,
        validators=[ContentTypeValidator(kinds=("png", "jpeg"), max_bytes=2_097_152)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Finance
    default_currency = models.CharField(
        _("default currency"), max_length=3, default="USD", validators=[validate_currency]
    )
    discount_type = models.CharField(
        _("discount type"), max_length=16, choices=DiscountType, default=DiscountType.NONE
    )
    discount_value = models.DecimalField(
        _("discount"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    tax_type = models.CharField(
        _("tax type"), max_length=16, choices=TaxType, default=TaxType.STANDARD
    )
    tax_rate = percent_field(_("tax rate %"))
    tax_id = models.CharField(_("tax ID"), max_length=64, blank=True)
    national_id = models.CharField(_("ID / SSN"), max_length=64, blank=True)
    cr_number = models.CharField(_("commercial registration number"), max_length=64, blank=True)
    # The CR document itself is kept in versions: CustomerDocument (kind CR).
    late_payment_exempt = models.BooleanField(
        _("exempt from late-payment hold"),
        default=False,
        help_text=_("Orders are never put on hold for this customer's late payments."),
    )

    # Billing and shipping addresses: the fields come from Addresses.
    shipping_same_as_billing = models.BooleanField(
        _("shipping details same as billing details"), default=True
    )

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_all_customers", _("See every customer, not only the ones they advise")),
            ("export_customers", _("Export customers as CSV")),
        ]
        indexes = [
            models.Index(fields=["name", "id"]),
            models.Index(fields=["country", "name"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["email"]),
            models.Index(fields=["tax_id"]),
            models.Index(fields=["cr_number"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tax_rate__gte=0, tax_rate__lte=100),
                name="customers_customer_tax_rate_range",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_value__gte=0),
                name="customers_customer_discount_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:customer-detail", args=[self.pk])


class Contact(models.Model):
    """A person at a customer; may hold a portal login."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    messaging_handle = models.CharField(
        _("messaging handle"), max_length=100, blank=True, help_text=_("Skype, Teams, WhatsApp…")
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )

    class Meta:
        ordering = ["-is_primary", "first_name", "last_name", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="customers_contact_one_primary",
            )
        ]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
