"""The sales app's sidebar counts (registered with lumytic.core.nav from SalesConfig.ready()).

Each reads only pending rows through the status indexes, so its cost follows what awaits staff,
not the number of documents; plain SQL, as compiling an ORM aggregate costs more than running it.
Table names come from the models, values go in as parameters.
"""

from django.db import connection
from django.utils.translation import gettext_lazy as _

from lumytic.accounts import roles
from lumytic.core.nav import NavLink

from .models import Cancellation, Payment, SignedCancellation, SignedDocument

_PIS = "SELECT COUNT(DISTINCT pi_id) FROM {table} WHERE status = %s"
_PAYMENTS = "SELECT COUNT(*) FROM {table} WHERE status = %s"
# Requests to decide, plus cancellations whose signed copy awaits review (those are "signed",
# so the two never count the same cancellation).
_CANCELLATIONS = (
    "SELECT (SELECT COUNT(*) FROM {table} WHERE status = %s)"
    " + (SELECT COUNT(DISTINCT cancellation_id) FROM {signed} WHERE status = %s)"
)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def pis_awaiting_review() -> tuple[str, list]:
    """PIs with a signed copy awaiting review, each once."""
    return _PIS.format(table=_table(SignedDocument)), [SignedDocument.Status.PENDING]


def payments_awaiting_review() -> tuple[str, list]:
    return _PAYMENTS.format(table=_table(Payment)), [Payment.Status.PENDING]


def cancellations_awaiting_staff() -> tuple[str, list]:
    sql = _CANCELLATIONS.format(table=_table(Cancellation), signed=_table(SignedCancellation))
    return sql, [Cancellation.Status.REQUESTED, SignedCancellation.Status.PENDING]


def _link(name: str, icon: str, label, permission: str, **options) -> NavLink:
    """A link to one of this app's pages; its key is the page's URL name."""
    return NavLink(name, f"sales:{name}", icon, label, permission=permission, **options)


def _review_link(name: str, icon: str, label, *, count: str, title) -> NavLink:
    """A list of what awaits staff; its badge shows the count registered as `count`."""
    return _link(
        name, icon, label, roles.VIEW_ORDER, count=f"nav_counts.{count}", count_title=title
    )


# The sidebar links to this app's pages, with their positions (lumytic.core.nav).
OFFICE_LINKS = (
    (40, _link("quotation-list", "file-earmark-text", _("Quotations"), roles.VIEW_QUOTATION)),
    (50, _link("product-list", "box-seam", _("Products"), roles.VIEW_PRODUCT)),
    (
        60,
        _link(
            "order-list",
            "cart3",
            _("Orders"),
            roles.VIEW_ORDER,
            summary=_("From quotation to payment, every step."),
        ),
    ),
    (
        70,
        _review_link(
            "pi-list",
            "receipt",
            _("Proforma invoices"),
            count="pis",
            title=_("signed copies awaiting review"),
        ),
    ),
    (
        80,
        _review_link(
            "payment-list",
            "bank",
            _("Payments"),
            count="payments",
            title=_("payments awaiting review"),
        ),
    ),
    (
        90,
        _review_link(
            "cancellation-list",
            "x-octagon",
            _("Cancellations"),
            count="cancellations",
            title=_("cancellation orders to decide or review"),
        ),
    ),
    (
        100,
        _link(
            "exchange",
            "currency-exchange",
            _("Currency exchange"),
            roles.VIEW_RATES,
            summary=_("Daily rates and their history."),
        ),
    ),
)
