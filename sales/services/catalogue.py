"""The product catalogue: add, change and (de)activate products."""

from typing import Any

from django.db import transaction

from lumytic.accounts import roles
from lumytic.core.access import require_perm

from ..models import Product

PRODUCT_FIELDS = ("sku", "name", "description", "unit", "unit_price", "currency", "tax_rate")


@transaction.atomic
def create_product(*, by, **values: Any) -> Product:
    """Add a product to the catalogue."""
    require_perm(by, roles.CHANGE_PRODUCT)
    unknown = set(values) - {*PRODUCT_FIELDS, "is_active"}
    if unknown:
        raise TypeError(f"Not a product field: {', '.join(sorted(unknown))}")
    return Product.objects.create(**values)


@transaction.atomic
def update_product(*, product: Product, by, **values: Any) -> Product:
    """Change a product; quotations already written keep their own copy of each line."""
    require_perm(by, roles.CHANGE_PRODUCT)
    unknown = set(values) - {*PRODUCT_FIELDS, "is_active"}
    if unknown:
        raise TypeError(f"Not a product field: {', '.join(sorted(unknown))}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    for name, value in values.items():
        setattr(product, name, value)
    product.save()
    return product


@transaction.atomic
def set_product_active(*, product: Product, by, active: bool) -> Product:
    """Deactivate a product (it leaves the picker) or bring it back."""
    require_perm(by, roles.CHANGE_PRODUCT)
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.is_active != active:
        product.is_active = active
        product.save(update_fields=["is_active", "updated_at"])
    return product
