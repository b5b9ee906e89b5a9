"""Back-office payment steps on the order page's PI section: proof download, confirm, reject,
and applying a customer's credit. Each POST view calls one service and goes back to the order;
a refused input re-renders the order page with the message next to the field (400).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from customers.models import Credit, advised_only
from lumytic.accounts import roles

from .invoice_views import InvoiceStepView, signed_document_response
from .order_forms import ReasonForm, first_error
from .payments import Payment
from .services.orders import OrderError
from .services.payments import (
    MAX_REASON,
    apply_credit,
    confirm_payment,
    reject_payment,
)
from .totals import money_text


class PaymentStepView(InvoiceStepView):
    def payment(self) -> Payment:
        return get_object_or_404(
            Payment.objects.filter(
                advised_only(self.request.user, "pi__order__customer")
            ).select_related("pi__order__customer", "pi__order__owner", "pi__order__placed_by"),
            pk=self.kwargs["pk"],
        )


class PaymentFileView(PaymentStepView):
    permission_required = roles.VIEW_ORDER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        # Same headers as a signed copy: attachment, nosniff, sandboxed, not cached.
        return signed_document_response(self.payment())


class PaymentConfirmView(PaymentStepView):
    permission_required = (roles.VIEW_ORDER, roles.CONFIRM_PAYMENT)

    def post(self, request, *args, **kwargs):
        payment = self.payment()
        try:
            confirm_payment(payment=payment, by=request.user)
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The payment of %(amount)s is confirmed; the customer is told.")
                % {"amount": money_text(payment.amount, payment.currency)},
            )
        return redirect(payment.pi.order)


class PaymentRejectView(PaymentStepView):
    permission_required = (roles.VIEW_ORDER, roles.CONFIRM_PAYMENT)

    def post(self, request, *args, **kwargs):
        payment = self.payment()
        order = payment.pi.order
        reason = request.POST.get("reason", "").strip()
        form = ReasonForm(
            request.POST, missing=_("Give the customer a reason for rejecting the payment.")
        )
        if not form.is_valid():
            error = first_error(form, "reason")
            messages.error(request, error)
            self.pi_context = {
                "payment_reject_error": error,
                "payment_reject_id": payment.pk,
                "payment_reject_reason": reason[:MAX_REASON],
            }
            return self.render_page(order, status=400)
        try:
            reject_payment(payment=payment, by=request.user, reason=form.cleaned_data["reason"])
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The payment is rejected; the customer is told why."))
        return redirect(order)


class CreditApplyView(PaymentStepView):
    permission_required = (roles.VIEW_ORDER, roles.MANAGE_CREDITS)

    def post(self, request, *args, **kwargs):
        pi = self.pi()
        order = pi.order
        credit = Credit.objects.filter(
            pk=request.POST.get("credit") if request.POST.get("credit", "").isdigit() else None,
            customer_id=order.customer_id,
        ).first()
        try:
            if credit is None:
                raise OrderError(_("Choose one of this customer's credits."))
            apply_credit(pi=pi, by=request.user, credit=credit, amount=request.POST.get("amount"))
        except OrderError as error:
            messages.error(request, str(error))
            self.pi_context = {
                "credit_error": str(error),
                "credit_amount": request.POST.get("amount", "")[:30],
            }
            return self.render_page(order, status=400)
        messages.success(request, _("The credit is applied to %(pi)s.") % {"pi": pi})
        return redirect(order)
