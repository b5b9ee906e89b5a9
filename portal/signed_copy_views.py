"""The upload of a signed copy (PI, memo, cancellation order), the same step for each document."""

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lumytic.core.workflow import StepRefused

from .forms import SignedCopyForm


class SignedCopyUploadMixin:
    """POST a signed copy: the service files it and the page thanks the customer, or the page
    comes back with the refusal next to the file field and a 400.

    A view names its form, the page it returns to (`page_url`, `render_page`), the context name
    of the refused form, and `upload()`, which calls the document's service."""

    http_method_names = ["post"]
    form_class: type[SignedCopyForm]
    form_context = "upload_form"
    page_url = "portal:order-detail"

    def signed(self) -> Model:
        """The document whose signed copy is uploaded."""
        raise NotImplementedError

    def page_object(self, document: Model) -> Model:
        """What the page that shows the upload form is about (the order by default)."""
        return document.order

    def upload(self, document: Model, file) -> Model:
        """Hand the file to the document's service; return the new signed copy."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs) -> HttpResponse:
        document = self.signed()
        page = self.page_object(document)
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                copy = self.upload(document, form.files["file"])
            except StepRefused as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Version %(version)s of the signed %(document)s is uploaded "
                        "for review."
                    )
                    % {"version": copy.version, "document": document},
                )
                return redirect(self.page_url, pk=page.pk)
        messages.error(
            request,
            _("The file was not uploaded: %(errors)s")
            % {"errors": " ".join(form.errors.get("file", []))},
        )
        return self.render_page(page, status=400, **{self.form_context: form})
