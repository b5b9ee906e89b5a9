"""The customer's PI memos (area "proforma invoices and payments"), on the order page: the memo
PDF and the signed-memo upload. Signed memo files are served by the signed-document view.

Every lookup starts from the PIs the user may see, and only sent memos are visible, so another
customer's memo, and a draft, are simply not found (404).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from lumytic.core.validation import CheckedForm
from lumytic.core.workflow import StepRefused
from sales.models import SIGNED_DOCUMENT_VALIDATOR, Memo
from sales.responses import memo_pdf_response
from sales.services.memos import upload_signed_memo

from .invoice_views import InvoiceAreaMixin, SignedPiUploadView


class SignedMemoForm(CheckedForm):
    file = forms.FileField(
        label=gettext_lazy("Signed memo"),
        help_text=gettext_lazy("PDF, PNG or JPEG, up to 10 MB."),
        validators=[SIGNED_DOCUMENT_VALIDATOR],
        error_messages={
            "required": gettext_lazy("Choose the signed file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )


class MemoAreaMixin(InvoiceAreaMixin):
    """A memo page: the invoices area, and the sent memo resolved before dispatch (or 404)."""

    lookup = "memo"

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed:
            self.memo = get_object_or_404(
                Memo.objects.sent()
                .filter(pi__in=self.visible_pis())
                .select_related("pi__order__customer"),
                pk=self.kwargs["pk"],
            )
        return allowed


class MemoPdfView(MemoAreaMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return memo_pdf_response(self.memo)


class SignedMemoUploadView(MemoAreaMixin, SignedPiUploadView):
    """Upload the signed memo; a refused file is shown next to the field with a 400."""

    def post(self, request, *args, **kwargs):
        memo = self.memo
        order = memo.pi.order
        form = SignedMemoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = upload_signed_memo(memo=memo, by=request.user, file=form.files["file"])
            except StepRefused as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Version %(version)s of the signed %(memo)s is uploaded for "
                        "review."
                    )
                    % {"version": document.version, "memo": memo},
                )
                return redirect("portal:order-detail", pk=order.pk)
        messages.error(
            request,
            _("The file was not uploaded: %(errors)s")
            % {"errors": " ".join(form.errors.get("file", []))},
        )
        return self.render_page(order, status=400, memo_upload_form=form)
