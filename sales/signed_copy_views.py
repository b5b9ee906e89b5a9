"""Staff review of a signed copy (of a PI, a memo or a cancellation order): approve or reject.

The same step for each document; a view says which page lists the copies and how that page
shows a rejection refused for want of a reason.
"""

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from lumytic.accounts import roles
from lumytic.core.steps import run_step

from .models import REASON_MAX_CHARS
from .order_forms import ReasonForm, first_error


class SignedCopyReviewMixin:
    def signed_copy(self):
        """The signed copy named by the URL, or 404."""
        raise NotImplementedError

    def review_page(self, document) -> Model:
        """What the page listing the copy is about (its order, or its cancellation)."""
        raise NotImplementedError

    def render_refused(self, page: Model, **reject_context) -> HttpResponse:
        """That page again, a 400, with the rejection's error next to the copy."""
        raise NotImplementedError

    def approve(self, document, approve, done: str) -> HttpResponse:
        """Approve a signed version through `approve`; `done` is the success message."""
        run_step(self.request, approve, done % {"version": document.version}, document=document)
        return redirect(self.review_page(document))

    def reject(self, document, reject, missing: str, done: str) -> HttpResponse:
        """Reject a signed version with the posted reason; `missing` says a reason is needed."""
        page = self.review_page(document)
        reason = self.request.POST.get("reason", "").strip()
        form = ReasonForm(self.request.POST, missing=missing)
        if not form.is_valid():
            error = first_error(form, "reason")
            messages.error(self.request, error)
            return self.render_refused(
                page,
                reject_error=error,
                reject_document_id=document.pk,
                reject_reason=reason[:REASON_MAX_CHARS],
            )
        run_step(
            self.request,
            reject,
            done % {"version": document.version},
            document=document,
            reason=form.cleaned_data["reason"],
        )
        return redirect(page)


class ApproveSignedCopy(SignedCopyReviewMixin):
    """The approve button of a signed copy: `step` approves it, `done` is the success message."""

    permission_required = (roles.VIEW_ORDER, roles.REVIEW_SIGNED_DOCUMENTS)
    step = None
    done = ""

    def post(self, request, *args, **kwargs):
        return self.approve(self.signed_copy(), self.step, self.done)


class RejectSignedCopy(SignedCopyReviewMixin):
    """The reject button of a signed copy: `step` rejects it with the reason `missing` asks for,
    `done` is the success message."""

    permission_required = (roles.VIEW_ORDER, roles.REVIEW_SIGNED_DOCUMENTS)
    step = None
    missing = gettext_lazy("Give the customer a reason for rejecting the signed copy.")
    done = gettext_lazy(
        "The signed copy (version %(version)s) is rejected; the customer is asked to "
        "upload it again."
    )

    def post(self, request, *args, **kwargs):
        return self.reject(self.signed_copy(), self.step, self.missing, self.done)
