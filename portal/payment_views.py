"""The customer's payments on the order page (area "proforma invoices and payments"): upload a
SWIFT proof against the PI, see each payment's status and reason, download a proof.

Lookups start from the PIs this user may see (InvoiceAreaMixin), so another customer's PI or
payment is simply not found (404).
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from lumytic.core.validation import CheckedForm, sensible_dates
from lumytic.core.workflow import StepRefused
from sales.models import MONEY_DIGITS, PROOF_VALIDATOR, Payment
from sales.responses import signed_document_response
from sales.services.payments import MAX_REFERENCE, upload_payment

from .invoice_views import InvoiceAreaMixin, PiUploadMixin
from .order_views import OrderDetailView


class PaymentForm(CheckedForm):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        max_digits=MONEY_DIGITS,
        decimal_places=3,
        error_messages={"required": gettext_lazy("Enter the amount you transferred.")},
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Payment date"),
        validators=sensible_dates(),
        error_messages={"required": gettext_lazy("Enter the date of the transfer.")},
    )
    bank_reference = forms.CharField(
        label=gettext_lazy("Bank reference"),
        max_length=MAX_REFERENCE,
        error_messages={"required": gettext_lazy("Enter the bank reference of the transfer.")},
    )
    file = forms.FileField(
        label=gettext_lazy("SWIFT proof"),
        help_text=gettext_lazy("PDF, PNG or JPEG, up to 10 MB."),
        validators=[PROOF_VALIDATOR],
        error_messages={
            "required": gettext_lazy("Choose the SWIFT proof to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        return amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The payment date can't be in the future."))
        return paid_on


class PaymentUploadView(PiUploadMixin, OrderDetailView):
    """Upload a SWIFT proof; a refused field is shown next to it with a 400."""

    http_method_names = ["post"]
    denied = "You may see proforma invoices but not upload payments."

    def post(self, request, *args, **kwargs):
        order = self.pi.order
        form = PaymentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                upload_payment(
                    pi=self.pi,
                    by=request.user,
                    amount=data["amount"],
                    paid_on=data["paid_on"],
                    bank_reference=data["bank_reference"],
                    file=form.files["file"],
                )
            except StepRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you! Your payment proof for %(pi)s is uploaded for review.")
                    % {"pi": self.pi},
                )
                return redirect("portal:order-detail", pk=order.pk)
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(
            request, _("The payment was not uploaded: %(errors)s") % {"errors": " ".join(errors)}
        )
        return self.render_page(order, status=400, payment_form=form)


class PaymentFileView(InvoiceAreaMixin, View):
    http_method_names = ["get"]
    lookup = "payment"

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            self.payment = get_object_or_404(
                Payment.objects.filter(pi__in=self.visible_pis()).select_related("pi"),
                pk=self.kwargs["pk"],
            )
        return allowed

    def get(self, request, *args, **kwargs):
        return signed_document_response(self.payment)
