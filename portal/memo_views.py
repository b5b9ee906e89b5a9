"""The customer's PI memos (area "proforma invoices and payments"), on the order page: the memo
PDF and the signed-memo upload. Signed memo files are served by the signed-document view.

Every lookup starts from the PIs the user may see, and only sent memos are visible, so another
customer's memo, and a draft, are simply not found (404).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import View

from sales.models import Memo, Order, SignedDocument
from sales.responses import memo_pdf_response
from sales.services.memos import upload_signed_memo

from .forms import SignedCopyForm
from .invoice_views import InvoiceAreaMixin, SignedPiUploadView


class SignedMemoForm(SignedCopyForm):
    label = gettext_lazy("Signed memo")


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

    form_class = SignedMemoForm
    form_context = "memo_upload_form"

    def signed(self) -> Memo:
        return self.memo

    def page_object(self, document: Memo) -> Order:
        return document.pi.order

    def upload(self, document: Memo, file) -> SignedDocument:
        return upload_signed_memo(memo=document, by=self.request.user, file=file)
