"""The customer's proforma invoices (area "proforma invoices and payments"), on the order page:
the PDF, the signed-copy upload and the versions uploaded so far.

Every lookup starts from the user's customer and the orders they may see, and only sent PIs are
visible, so another customer's PI or document, and a draft PI, are simply not found (404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from sales.models import Order, ProformaInvoice, SignedDocument
from sales.pdf import PdfTooLarge
from sales.responses import pi_pdf_response, signed_document_response
from sales.services.invoicing import upload_signed_pi

from .access import PortalRequiredMixin
from .forms import SignedCopyForm
from .models import Area
from .order_views import OrderDetailView
from .querysets import visible_orders
from .signed_copy_views import SignedCopyUploadMixin


class SignedPiForm(SignedCopyForm):
    label = gettext_lazy("Signed proforma invoice")


class InvoiceAreaMixin(PortalRequiredMixin):
    """A PI page: the invoices area, and the object resolved before the method is dispatched."""

    area = Area.INVOICES
    nav = Area.ORDERS
    lookup = "pi"

    def visible_pis(self) -> QuerySet:
        orders = visible_orders(self.scoped(Order.objects.all()), self.request.user)
        return ProformaInvoice.objects.sent().filter(order__in=orders)

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed and self.lookup == "pi":
            # A foreign id is 404 for every method, exactly like a missing one.
            self.pi = get_object_or_404(
                self.visible_pis().select_related("order__customer"), pk=self.kwargs["pk"]
            )
        elif allowed and self.lookup == "document":
            self.document = get_object_or_404(
                SignedDocument.objects.filter(pi__in=self.visible_pis()).select_related("pi"),
                pk=self.kwargs["pk"],
            )
        return allowed


class PiUploadMixin(InvoiceAreaMixin):
    """A file posted against a PI from the order page (its signed copy, a payment proof): only
    for a user who may upload payments; `denied` says what they may not do."""

    denied = ""

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed and not self.request.user.has_perm("portal.upload_payments"):
            raise PermissionDenied(self.denied)
        return allowed

    def http_method_not_allowed(self, request, *args, **kwargs):
        # The PI is already resolved (or 404); the order view's own lookup doesn't apply here.
        return View.http_method_not_allowed(self, request, *args, **kwargs)


class PiPdfView(InvoiceAreaMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        try:
            return pi_pdf_response(self.pi)
        except PdfTooLarge:
            messages.error(request, _("This proforma invoice can't be shown as a PDF."))
            return redirect("portal:order-detail", pk=self.pi.order_id)


class SignedDocumentFileView(InvoiceAreaMixin, View):
    http_method_names = ["get"]
    lookup = "document"

    def get(self, request, *args, **kwargs):
        return signed_document_response(self.document)


class SignedPiUploadView(SignedCopyUploadMixin, PiUploadMixin, OrderDetailView):
    """Upload the signed PI; a refused file is shown next to the field with a 400."""

    form_class = SignedPiForm
    denied = "You may see proforma invoices but not upload signed copies."

    def signed(self) -> ProformaInvoice:
        return self.pi

    def upload(self, document: ProformaInvoice, file) -> SignedDocument:
        return upload_signed_pi(pi=document, by=self.request.user, file=file)
