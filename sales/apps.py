from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The customer-page tabs this app serves: key, label, icon, position.
CUSTOMER_TABS = (
    ("quotations", _("Quotations"), "file-earmark-text", 20),
    ("orders", _("Orders"), "cart3", 30),
    ("proforma-invoices", _("Proforma invoices"), "receipt", 40),
    ("payments", _("Payments"), "bank", 50),
    ("cancellations", _("Cancellations"), "x-octagon", 60),
    ("fx-rates", _("FX rates"), "currency-exchange", 100),
)


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from customers import tabs

        for key, label, icon, order in CUSTOMER_TABS:
            tabs.register_tab(
                key=key, label=label, url_name=f"sales:customer-{key}", icon=icon, order=order
            )

        from lumytic.core.nav import register_count, register_link

        from . import sidebar

        register_count("pis", sidebar.pis_awaiting_review)
        register_count("payments", sidebar.payments_awaiting_review)
        register_count("cancellations", sidebar.cancellations_awaiting_staff)
        for position, link in sidebar.OFFICE_LINKS:
            register_link(link, position=position)

        from .summary import sales_summary

        tabs.register_summary(sales_summary)
        tabs.register_action(
            key="statement",
            label=_("Statement"),
            url_name="sales:customer-statement",
            icon="journal-text",
        )
