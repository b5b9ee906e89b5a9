"""Back-office steps of PI memos and signed memos, shown in the order page's PI section.

Each POST view calls one service, turns its `OrderError` into a message and goes back to the
order; a refused form field (memo text, rejection reason) is a 400 next to the field.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import advised_only
from lumytic.accounts import roles
from lumytic.core.steps import run_step

from .invoice_views import InvoiceStepView
from .models import MEMO_MAX_CHARS, Memo, SignedDocument
from .order_forms import MemoForm, first_error
from .responses import memo_pdf_response
from .services.memos import approve_signed_memo, reject_signed_memo, send_memo, write_memo
from .signed_copy_views import ApproveSignedCopy, RejectSignedCopy


class MemoStepView(InvoiceStepView):
    def memo(self) -> Memo:
        return get_object_or_404(
            Memo.objects.filter(
                advised_only(self.request.user, "pi__order__customer")
            ).select_related("pi__order"),
            pk=self.kwargs["pk"],
        )

    def signed_copy(self) -> SignedDocument:
        return get_object_or_404(
            SignedDocument.objects.filter(
                advised_only(self.request.user, "pi__order__customer"), memo__isnull=False
            ).select_related(
                "memo", "pi__order__customer", "pi__order__owner", "pi__order__placed_by"
            ),
            pk=self.kwargs["pk"],
        )


class MemoWriteView(MemoStepView):
    permission_required = (roles.VIEW_ORDER, roles.ISSUE_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        pi = self.pi()
        form = MemoForm(request.POST)
        if not form.is_valid():
            error = first_error(form, "text")
            messages.error(request, error)
            text = request.POST.get("text", "").strip()
            self.pi_context = {"memo_error": error, "memo_text": text[:MEMO_MAX_CHARS]}
            return self.render_page(pi.order, status=400)
        run_step(
            request,
            write_memo,
            lambda memo: (
                _("Memo %(memo)s is written. Check the PDF, then send it.") % {"memo": memo}
            ),
            pi=pi,
            text=form.cleaned_data["text"],
        )
        return redirect(pi.order)


class MemoSendView(MemoStepView):
    permission_required = (roles.VIEW_ORDER, roles.ISSUE_DOCUMENTS)

    def post(self, request, *args, **kwargs):
        memo = self.memo()
        run_step(
            request,
            send_memo,
            _("Memo %(memo)s is sent to the customer.") % {"memo": memo},
            memo=memo,
        )
        return redirect(memo.pi.order)


class MemoPdfView(MemoStepView):
    permission_required = roles.VIEW_ORDER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return memo_pdf_response(self.memo())


class SignedMemoApproveView(ApproveSignedCopy, MemoStepView):
    step = staticmethod(approve_signed_memo)
    done = gettext_lazy("The signed memo (version %(version)s) is approved.")


class SignedMemoRejectView(RejectSignedCopy, MemoStepView):
    step = staticmethod(reject_signed_memo)
    missing = gettext_lazy("Give the customer a reason for rejecting the signed memo.")
    done = gettext_lazy(
        "The signed memo (version %(version)s) is rejected; the customer is asked to "
        "upload it again."
    )
