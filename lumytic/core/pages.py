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


def side_links(office_url: str, kind: str, *args, anchor: str = "") -> dict[str, str]:
    """An email's buttons: the office page for staff and, where an installed app serves it,
    the customer's copy of the page (`kind`, as for page_url) for the customer."""
    links = {"office": office_url + anchor}
    if portal := page_url(kind, *args):
        links["portal"] = portal + anchor
    return links
