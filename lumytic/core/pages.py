"""Pages a higher app serves for what a lower app owns, found by what they show.

A lower app never names a higher app's URL (docs/architecture.md): it asks
`page_url("customer-order", order.pk)` and gets None when no installed app serves that page.
The portal registers the customer's pages from PortalConfig.ready().
"""

from django.urls import reverse

_pages: dict[str, str] = {}


def register_page(kind: str, url_name: str) -> None:
    _pages[kind] = url_name


def page_url(kind: str, *args) -> str | None:
    url_name = _pages.get(kind)
    return reverse(url_name, args=args) if url_name else None
