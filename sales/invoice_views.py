"""Back-office steps of proforma invoices and signed PIs, shown in the order page's documents.

Each POST view calls one service, turns its `OrderError` into a message and goes back to the
order; files are served only here (and in the portal), as attachments that are never sniffed.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from customers.models import advised_only
from lumytic.accounts import roles
from lumytic.core.workflow import StepRefused

from .models import Order, ProformaInvoice, SignedDocument
from .order_forms import ReasonForm, first_error
from .order_views import OrderDetailView
from .pdf import PdfTooLarge
from .responses import pi_pdf_response, signed_document_response
from .services.invoicing import approve_signed_pi, issue_pi, reject_signed_pi, send_pi

MAX_REASON = 2000


class InvoiceStepView(OrderDetailView):
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

    def document(self) -> SignedDocument:
        return get_object_or_404(
            SignedDocument.objects.filter(
                advised_only(self.request.user, "pi__order__customer")
            ).select_related("pi__order__customer", "pi__order__owner", "pi__order__placed_by"),
            pk=self.kwargs["pk"],
        )

    def approve(self, document: SignedDocument, approve, done: str):
        """Approve a signed version through `approve`; `done` is the success message."""
        try:
            approve(document=document, by=self.request.user)
        except StepRefused as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, done % {"version": document.version})
        return redirect(document.pi.order)

    def reject(self, document: SignedDocument, reject, missing: str, done: str):
        """Reject a signed version with the posted reason; no reason is a 400 on the order page."""
        order: Order = document.pi.order
        reason = self.request.POST.get("reason", "").strip()
        form = ReasonForm(self.request.POST, missing=missing)
        if not form.is_valid():
            error = first_error(form, "reason")
            messages.error(self.request, error)
            self.pi_context = {
                "reject_error": error,
                "reject_document_id": document.pk,
                "reject_reason": reason[:MAX_REASON],
            }
            return self.render_page(order, status=400)
        try:
            reject(document=document, by=self.request.user, reason=form.cleaned_data["reason"])
        except StepRefused as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, done % {"version": document.version})
        return redirect(order)


class PiIssueView(InvoiceStepView):
    permission_required = (roles.VIEW_ORDER, roles.ISSUE_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        try:
            pi = issue_pi(order=order, by=request.user)
        except StepRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Proforma invoice %(pi)s is issued. Check the PDF, then send it.") % {"pi": pi},
            )
        return redirect(order)


class PiSendView(InvoiceStepView):
    permission_required = (roles.VIEW_ORDER, roles.ISSUE_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        pi = self.pi()
        try:
            send_pi(pi=pi, by=request.user)
        except (StepRefused, PdfTooLarge) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Proforma invoice %(pi)s is sent to the customer.") % {"pi": pi}
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
        return signed_document_response(self.document())


class SignedDocumentApproveView(InvoiceStepView):
    permission_required = (roles.VIEW_ORDER, roles.REVIEW_SIGNED_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        return self.approve(
            self.document(),
            approve_signed_pi,
            _("The signed copy (version %(version)s) is approved; the customer is told."),
        )


class SignedDocumentRejectView(InvoiceStepView):
    permission_required = (roles.VIEW_ORDER, roles.REVIEW_SIGNED_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        return self.reject(
            self.document(),
            reject_signed_pi,
            _("Give the customer a reason for rejecting the signed copy."),
            _(
                "The signed copy (version %(version)s) is rejected; the customer is asked to "
                "upload it again."
            ),
        )
