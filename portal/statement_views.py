"""The customer's proforma invoices list (area "invoices") and statement of account (area
"statements").

Scoping decision: a statement is the company's account with us, not a view of some orders, so
it always covers every sent PI, confirmed payment and credit of the user's own customer. "Only
show my own orders" limits the orders and PIs a user browses (the invoices list below honours
it); it does not hide the company statement. Who may see the company's balance is decided by
the "statements" area alone.
"""

from django.views.generic import ListView

from sales.models import Order, ProformaInvoice
from sales.statement_views import StatementMixin

from .access import PortalRequiredMixin, PortalView
from .models import Area
from .querysets import visible_orders


class InvoiceListView(PortalRequiredMixin, ListView):
    """The sent PIs of the orders this user may see, with what is paid and still due."""

    template_name = "portal/invoice_list.html"
    area = Area.INVOICES
    nav = Area.INVOICES
    paginate_by = 25

    def get_queryset(self):
        orders = visible_orders(self.scoped(Order.objects.all()), self.request.user)
        return (
            ProformaInvoice.objects.sent()
            .filter(order__in=orders)
            .select_related("order")
            .with_amounts()
            .order_by("-issue_date", "-pk")
        )


class StatementView(StatementMixin, PortalView):
    """The company's statement of account: on screen, `?download=pdf` or `?download=csv`."""

    template_name = "portal/statement.html"
    area = Area.STATEMENTS
    nav = Area.STATEMENTS

    def get(self, request, *args, **kwargs):
        self.statement_customer = self.customer
        return super().get(request, *args, **kwargs)
