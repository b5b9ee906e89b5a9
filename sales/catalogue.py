"""Searching the product catalogue, for the office product list, the quotation editor's picker
and the order carts (office and portal)."""

from django.db.models import Q, QuerySet

from .models import Product


def search_products(queryset, text: str):
    """Products whose SKU or name contains every word of `text`."""
    for word in text.split()[:5]:
        queryset = queryset.filter(Q(sku__icontains=word) | Q(name__icontains=word))
    return queryset


def product_search(query: str) -> QuerySet:
    """Active products matching a search by SKU, name or description (all when empty)."""
    products = Product.objects.filter(is_active=True)
    query = (query or "").strip()[:100]
    if query:
        products = products.filter(
            Q(sku__icontains=query) | Q(name__icontains=query) | Q(description__icontains=query)
        )
    return products.order_by("name", "pk")
