"""Back-office payment steps on the order page's PI section: proof download, confirm, reject,
and applying a customer's credit. Each POST view calls one service and goes back to the order;
a refused input re-renders the order page with the message next to the field (400).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Credit, advised_only
from lumytic.accounts import roles
from lumytic.core.steps import run_step
from lumytic.core.validation import CheckedForm
from lumytic.core.workflow import StepRefused

from .invoice_views import InvoiceStepView
from .models import Payment
from .order_forms import ReasonForm, first_error
from .responses import signed_document_response
from .services.orders import OrderError
from .services.payments import (
    MAX_REASON,
    Overpay,
    OverpaymentUndecided,
    apply_credit,
    confirm_payment,
    reject_payment,
)
from .totals import money_text


class PaymentConfirmForm(CheckedForm):
    """The confirm button's one choice, asked only when the payment overpays its PI."""

    overpay = forms.ChoiceField(
        label=gettext_lazy("The extra"),
        choices=Overpay.choices,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose to credit the extra to the customer or to refuse the payment."
            )
        },
    )


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
        form = PaymentConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise OverpaymentUndecided(first_error(form, "overpay"))
            payment = confirm_payment(
                payment=payment, by=request.user, overpay=form.cleaned_data["overpay"]
            )
        except OverpaymentUndecided as error:
            # Nothing is written until someone says what happens to the extra.
            messages.error(request, str(error))
            self.pi_context = {"overpay_error": str(error), "overpay_id": payment.pk}
            return self.render_page(payment.pi.order, status=400)
        except StepRefused as error:
            messages.error(request, str(error))
        else:
            amount = {"amount": money_text(payment.amount, payment.currency)}
            if payment.status == Payment.Status.REJECTED:
                message = _("The payment of %(amount)s is refused; the customer is told why.")
            elif payment.excess_credit_id:
                amount["extra"] = money_text(payment.excess_credit.amount, payment.currency)
                message = _(
                    "The payment of %(amount)s is confirmed and %(extra)s is the customer's "
                    "credit; the customer is told."
                )
            else:
                message = _("The payment of %(amount)s is confirmed; the customer is told.")
            messages.success(request, message % amount)
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
        run_step(
            request,
            reject_payment,
            _("The payment is rejected; the customer is told why."),
            payment=payment,
            reason=form.cleaned_data["reason"],
        )
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
        except StepRefused as error:
            messages.error(request, str(error))
            self.pi_context = {
                "credit_error": str(error),
                "credit_amount": request.POST.get("amount", "")[:30],
            }
            return self.render_page(order, status=400)
        messages.success(request, _("The credit is applied to %(pi)s.") % {"pi": pi})
        return redirect(order)
