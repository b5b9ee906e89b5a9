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


# The sidebar links to this app's lists, with their positions (lumytic.core.nav).
OFFICE_LINKS = (
    (
        40,
        NavLink(
            "quotation-list",
            "sales:quotation-list",
            "file-earmark-text",
            _("Quotations"),
            permission=roles.VIEW_QUOTATION,
        ),
    ),
    (
        50,
        NavLink(
            "product-list",
            "sales:product-list",
            "box-seam",
            _("Products"),
            permission=roles.VIEW_PRODUCT,
        ),
    ),
    (
        60,
        NavLink(
            "order-list",
            "sales:order-list",
            "cart3",
            _("Orders"),
            permission=roles.VIEW_ORDER,
            summary=_("From quotation to payment, every step."),
        ),
    ),
    (
        70,
        NavLink(
            "pi-list",
            "sales:pi-list",
            "receipt",
            _("Proforma invoices"),
            count="nav_counts.pis",
            count_title=_("signed copies awaiting review"),
            permission=roles.VIEW_ORDER,
        ),
    ),
    (
        80,
        NavLink(
            "payment-list",
            "sales:payment-list",
            "bank",
            _("Payments"),
            count="nav_counts.payments",
            count_title=_("payments awaiting review"),
            permission=roles.VIEW_ORDER,
        ),
    ),
    (
        90,
        NavLink(
            "cancellation-list",
            "sales:cancellation-list",
            "x-octagon",
            _("Cancellations"),
            count="nav_counts.cancellations",
            count_title=_("cancellation orders to decide or review"),
            permission=roles.VIEW_ORDER,
        ),
    ),
    (
        100,
        NavLink(
            "exchange",
            "sales:exchange",
            "currency-exchange",
            _("Currency exchange"),
            permission=roles.VIEW_RATES,
            summary=_("Daily rates and their history."),
        ),
    ),
)
