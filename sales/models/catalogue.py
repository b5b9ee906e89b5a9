"""The product catalogue: what can be quoted and ordered, at which list price and tax rate."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import validate_currency
from lumytic.core.model_fields import percent_field

from .base import price_field


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    unit_price = price_field(_("unit price"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    tax_rate = percent_field(_("tax rate %"))
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
