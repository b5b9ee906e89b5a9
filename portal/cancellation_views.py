"""The customer's cancellation orders (area "cancellations"): ask to cancel a confirmed order,
follow the request, download the cancellation order, and upload the signed copy.

Every lookup starts from `scoped()` and the orders the user may see (`visible_orders`), so
another customer's cancellation, or a colleague's under "only show my own orders", is a 404.
"""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from lumytic.core.lists import status_page
from lumytic.core.workflow import StepRefused
from sales.models import Cancellation, Order, SignedCancellation
from sales.order_forms import ReasonForm
from sales.responses import cancellation_pdf_response, signed_document_response
from sales.services.cancellations import (
    CANCELLABLE,
    request_cancellation,
    upload_signed_cancellation,
)

from .access import PortalRequiredMixin
from .forms import SignedCopyForm
from .models import Area
from .querysets import visible_orders
from .signed_copy_views import SignedCopyUploadMixin


class SignedCancellationForm(SignedCopyForm):
    label = gettext_lazy("Signed cancellation order")


def _request_form(*args, **kwargs) -> ReasonForm:
    return ReasonForm(
        *args,
        missing=_("Tell us why the order should be cancelled."),
        label=_("Why do you want to cancel this order?"),
        **kwargs,
    )


class CancellationAreaMixin(PortalRequiredMixin):
    area = Area.CANCELLATIONS
    nav = Area.CANCELLATIONS

    def visible_orders(self) -> QuerySet:
        return visible_orders(self.scoped(Order.objects.all()), self.request.user)

    def visible(self) -> QuerySet:
        return self.scoped(Cancellation.objects.all()).filter(order__in=self.visible_orders())

    def get_cancellation(self) -> Cancellation:
        return get_object_or_404(
            self.visible().select_related("order", "requested_by"), pk=self.kwargs["pk"]
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.get_cancellation()  # someone else's cancellation is a 404 whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)


class CancellationListView(CancellationAreaMixin, TemplateView):
    template_name = "portal/cancellation_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        cancellations = self.visible().select_related("order").order_by("-created_at", "-pk")
        return super().get_context_data(
            **status_page(
                self.request, cancellations, Cancellation.Status.choices, self.paginate_by
            ),
            **kwargs,
        )


class CancellationDetailView(CancellationAreaMixin, TemplateView):
    template_name = "portal/cancellation_detail.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_cancellation())

    def render_page(self, cancellation: Cancellation, status: int = 200, **extra) -> HttpResponse:
        context = self.get_context_data(
            cancellation=cancellation,
            order=cancellation.order,
            documents=list(cancellation.signed_documents.select_related("uploaded_by")),
            upload_form=extra.pop("upload_form", None) or SignedCancellationForm(),
            **extra,
        )
        return self.render_to_response(context, status=status)


class CancellationPdfView(CancellationAreaMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return cancellation_pdf_response(self.get_cancellation())


class SignedCancellationUploadView(SignedCopyUploadMixin, CancellationDetailView):
    """Upload the signed cancellation order; a refused file is shown by its field with a 400."""

    form_class = SignedCancellationForm
    page_url = "portal:cancellation-detail"

    def signed(self) -> Cancellation:
        return self.get_cancellation()

    def page_object(self, document: Cancellation) -> Cancellation:
        return document

    def upload(self, document: Cancellation, file) -> SignedCancellation:
        return upload_signed_cancellation(cancellation=document, by=self.request.user, file=file)


class SignedCancellationFileView(CancellationAreaMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        document = get_object_or_404(
            SignedCancellation.objects.filter(cancellation__in=self.visible()).select_related(
                "cancellation"
            ),
            pk=self.kwargs["pk"],
        )
        return signed_document_response(document)


class CancellationRequestView(CancellationAreaMixin, TemplateView):
    """Ask to cancel one of the customer's confirmed orders, with a reason."""

    template_name = "portal/cancellation_request.html"

    def get_order(self) -> Order:
        return get_object_or_404(self.visible_orders(), pk=self.kwargs["pk"])

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_order()
        return View.http_method_not_allowed(self, request, *args, **kwargs)

    def render_page(self, order: Order, form: ReasonForm, status: int = 200) -> HttpResponse:
        existing = order.cancellations.exclude(status=Cancellation.Status.REFUSED).first()
        context = self.get_context_data(
            order=order,
            form=form,
            existing=existing,
            may_request=order.status in CANCELLABLE and existing is None,
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_order(), _request_form())

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        form = _request_form(request.POST)
        if form.is_valid():
            try:
                cancellation = request_cancellation(
                    order=order, by=request.user, reason=form.cleaned_data["reason"]
                )
            except StepRefused as error:
                form.add_error("reason", str(error))
            else:
                messages.success(
                    request,
                    _("Your request to cancel order %(order)s is sent. We will get back to you.")
                    % {"order": order.number},
                )
                return redirect("portal:cancellation-detail", pk=cancellation.pk)
        return self.render_page(order, form, status=400)
