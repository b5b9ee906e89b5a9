"""Back-office steps of proforma invoices and signed PIs, shown in the order page's documents.

Each POST view calls one service, turns its `OrderError` into a message and goes back to the
order; files are served only here (and in the portal), as attachments that are never sniffed.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import advised_only
from lumytic.accounts import roles
from lumytic.core.steps import run_step
from lumytic.core.workflow import StepRefused

from .models import Order, ProformaInvoice, SignedDocument
from .order_views import OrderDetailView
from .pdf import PdfTooLarge
from .responses import pi_pdf_response, signed_document_response
from .services.invoicing import approve_signed_pi, issue_pi, reject_signed_pi, send_pi
from .signed_copy_views import ApproveSignedCopy, RejectSignedCopy, SignedCopyReviewMixin


class InvoiceStepView(SignedCopyReviewMixin, OrderDetailView):
    """A POST step on an order's PI; a refused step is a message on the order page."""

    permission_required = None  # each step names its own

    http_method_names = ["post"]
    pi_context: dict = {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{**self.pi_context, **kwargs})

    def pi(self) -> ProformaInvoice:
        return get_object_or_404(
            ProformaInvoice.objects.filter(
                advised_only(self.request.user, "order__customer")
            ).select_related("order"),
            pk=self.kwargs["pk"],
        )

    def signed_copy(self) -> SignedDocument:
        return get_object_or_404(
            SignedDocument.objects.filter(
                advised_only(self.request.user, "pi__order__customer")
            ).select_related("pi__order__customer", "pi__order__owner", "pi__order__placed_by"),
            pk=self.kwargs["pk"],
        )

    def review_page(self, document: SignedDocument) -> Order:
        return document.pi.order

    def render_refused(self, page: Order, **reject_context) -> HttpResponse:
        self.pi_context = reject_context
        return self.render_page(page, status=400)


class PiIssueView(InvoiceStepView):
    permission_required = (roles.VIEW_ORDER, roles.ISSUE_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        run_step(
            request,
            issue_pi,
            lambda pi: (
                _("Proforma invoice %(pi)s is issued. Check the PDF, then send it.") % {"pi": pi}
            ),
            order=order,
        )
        return redirect(order)


class PiSendView(InvoiceStepView):
    permission_required = (roles.VIEW_ORDER, roles.ISSUE_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        pi = self.pi()
        run_step(
            request,
            send_pi,
            _("Proforma invoice %(pi)s is sent to the customer.") % {"pi": pi},
            refused=(StepRefused, PdfTooLarge),
            pi=pi,
        )
        return redirect(pi.order)


class PiPdfView(InvoiceStepView):
    permission_required = roles.VIEW_ORDER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        pi = self.pi()
        try:
            return pi_pdf_response(pi)
        except PdfTooLarge as error:
            messages.error(request, str(error))
            return redirect(pi.order)


class SignedDocumentFileView(InvoiceStepView):
    permission_required = roles.VIEW_ORDER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return signed_document_response(self.signed_copy())


class SignedDocumentApproveView(ApproveSignedCopy, InvoiceStepView):
    step = staticmethod(approve_signed_pi)
    done = gettext_lazy("The signed copy (version %(version)s) is approved; the customer is told.")


class SignedDocumentRejectView(RejectSignedCopy, InvoiceStepView):
    step = staticmethod(reject_signed_pi)
