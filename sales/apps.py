from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The customer-page tabs this app serves: key, label, icon, position, empty-state message.
CUSTOMER_TABS = (
    (
        "quotations",
        _("Quotations"),
        "file-earmark-text",
        20,
        _("No quotations for this customer yet."),
    ),
    ("orders", _("Orders"), "cart3", 30, _("No orders from this customer yet.")),
    (
        "proforma-invoices",
        _("Proforma invoices"),
        "receipt",
        40,
        _("No proforma invoices for this customer yet. They are issued from confirmed orders."),
    ),
    (
        "payments",
        _("Payments"),
        "bank",
        50,
        _("No payments from this customer yet. Their SWIFT proofs will be listed here."),
    ),
    (
        "cancellations",
        _("Cancellations"),
        "x-octagon",
        60,
        _("No cancellation orders for this customer."),
    ),
    (
        "fx-rates",
        _("FX rates"),
        "currency-exchange",
        100,
        _("No customer exchange rates. This customer's documents use the daily rates."),
    ),
)


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from customers import tabs

        for key, label, icon, order, _message in CUSTOMER_TABS:
            tabs.register_tab(
                key=key, label=label, url_name=f"sales:customer-{key}", icon=icon, order=order
            )

        from lumytic.core.nav import register_count

        from . import sidebar

        register_count("pis", sidebar.pis_awaiting_review)
        register_count("payments", sidebar.payments_awaiting_review)
        register_count("cancellations", sidebar.cancellations_awaiting_staff)

        from .summary import sales_summary

        tabs.register_summary(sales_summary)
        tabs.register_action(
            key="statement",
            label=_("Statement"),
            url_name="sales:customer-statement",
            icon="journal-text",
        )
