"""The quotation PDF (WeasyPrint, A4), from templates/sales/pdf/quotation.html."""

from ..models import Quotation
from .base import render_pdf


def render_quotation_pdf(quotation: Quotation) -> bytes:
    """The quotation as an A4 PDF: seller, customer, lines and totals."""
    quotation = Quotation.objects.select_related("customer", "contact").get(pk=quotation.pk)
    return render_pdf(
        "sales/pdf/quotation.html",
        {
            "quotation": quotation,
            "customer": quotation.customer,
            # Addressed to the chosen contact, else the customer's primary one.
            "contact": quotation.contact
            or quotation.customer.contacts.filter(is_primary=True).first(),
            "lines": list(quotation.lines.all()),
        },
    )
