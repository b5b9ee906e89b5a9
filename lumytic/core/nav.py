"""The back-office sidebar's links, in order. To add one, add a NavLink here.

A page marks its section with `nav` in its context (the link whose `key` it is shows active).
A link with a `count` shows it as a badge when it is not 0: `count` names a context variable
("needs_action.pis"), so any context processor can supply it, and it is read on every request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavLink:
    key: str
    url_name: str
    icon: str  # a Bootstrap Icons name
    label: Any
    count: str = ""
    count_title: Any = ""
    visible: Callable[[Any], bool] | None = None  # who sees it (default: every office user)


OFFICE_NAV: tuple[NavLink, ...] = (
    NavLink("dashboard", "office:dashboard", "speedometer2", _("Dashboard")),
    NavLink(
        "inbox",
        "conversations:inbox",
        "inbox",
        _("Inbox"),
        count="inbox.open",
        count_title=_("conversations waiting for an answer"),
    ),
    NavLink("customers", "customers:customer-list", "building", _("Customers")),
    NavLink("registrations", "portal_office:registration-list", "person-plus", _("Registrations")),
    NavLink("quotation-list", "sales:quotation-list", "file-earmark-text", _("Quotations")),
    NavLink("product-list", "sales:product-list", "box-seam", _("Products")),
    NavLink("order-list", "sales:order-list", "cart3", _("Orders")),
    NavLink(
        "pi-list",
        "sales:pi-list",
        "receipt",
        _("Proforma invoices"),
        count="needs_action.pis",
        count_title=_("signed copies awaiting review"),
    ),
    NavLink(
        "payment-list",
        "sales:payment-list",
        "bank",
        _("Payments"),
        count="needs_action.payments",
        count_title=_("payments awaiting review"),
    ),
    NavLink(
        "cancellation-list",
        "sales:cancellation-list",
        "x-octagon",
        _("Cancellations"),
        count="needs_action.cancellations",
        count_title=_("cancellation orders to decide or review"),
    ),
    NavLink("exchange", "sales:exchange", "currency-exchange", _("Currency exchange")),
    NavLink("outbox", "notifications:outbox-list", "envelope", _("Outbox")),
)
