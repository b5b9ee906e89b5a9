"""Sales views. For now: the customer-page tabs this app owns, empty until their documents exist."""

from customers.page_views import CustomerTabView


class CustomerDocumentsTab(CustomerTabView):
    """A customer's documents of one kind (quotations, orders, …) on the customer page."""

    tab_template = "sales/customer_tab_empty.html"
    message = ""
    icon = ""

    def get_tab_context(self, customer) -> dict:
        return {"empty_message": self.message, "empty_icon": self.icon}
