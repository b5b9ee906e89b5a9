"""Staff review of a signed copy (of a PI, a memo or a cancellation order): approve or reject.

The same step for each document; a view says which page lists the copies and how that page
shows a rejection refused for want of a reason.
"""

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect

from lumytic.core.steps import run_step

from .models import REASON_MAX_CHARS
from .order_forms import ReasonForm, first_error


class SignedCopyReviewMixin:
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
