"""The customer's quotations (area "quotations"): list, detail, PDF, accept and decline.

Every lookup goes through `scoped()` and leaves drafts out, so another customer's quotation and
a draft are both simply not found (404).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from lumytic.core.lists import status_page
from lumytic.core.steps import run_step
from lumytic.core.workflow import InvalidTransition, StepRefused
from sales.address_forms import AddressStep
from sales.models import Quotation
from sales.pdf import render_quotation_pdf
from sales.quotation_forms import DeclineForm
from sales.responses import pdf_response
from sales.services.quotations import (
    accept_quotation,
    decline_quotation,
)

from .access import PortalView, has_area
from .models import Area
from .querysets import visible_quotations


class PortalQuotationMixin:
    area = Area.QUOTATIONS
    nav = Area.QUOTATIONS

    def test_func(self) -> bool:
        allowed = super().test_func()
        if allowed and "pk" in self.kwargs:
            # Resolved before the method is dispatched: a foreign id is 404 for GET and POST alike.
            self.quotation = get_object_or_404(
                self.scoped(visible_quotations().select_related("customer", "contact")),
                pk=self.kwargs["pk"],
            )
        return allowed


class QuotationListView(PortalQuotationMixin, PortalView):
    template_name = "portal/quotation_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        queryset = self.scoped(visible_quotations()).order_by("-sent_at", "-pk")
        # A customer never sees a draft, so it is no filter either.
        statuses = [c for c in Quotation.Status.choices if c[0] != Quotation.Status.DRAFT]
        page = status_page(self.request, queryset, statuses, self.paginate_by)
        return super().get_context_data(**page, quotations=page["object_list"], **kwargs)


class QuotationDetailView(PortalQuotationMixin, PortalView):
    template_name = "portal/quotation_detail.html"

    def get_context_data(self, **kwargs):
        quotation = self.quotation
        return super().get_context_data(
            quotation=quotation,
            lines=list(quotation.lines.all()),
            can_answer=quotation.status == Quotation.Status.SENT,
            decline_form=kwargs.pop("decline_form", None) or DeclineForm(),
            **kwargs,
        )


class QuotationPdfView(PortalQuotationMixin, PortalView):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return pdf_response(render_quotation_pdf(self.quotation), f"{self.quotation.number}.pdf")


class QuotationAcceptView(PortalQuotationMixin, PortalView):
    """Accept the quotation with the billing and shipping details: it becomes a confirmed
    order in this one step (GET shows the form, prefilled from the company's profile)."""

    template_name = "portal/quotation_accept.html"

    def get(self, request, *args, **kwargs):
        if (refused := self.refusal()) is not None:
            return refused
        return self.render_form(AddressStep(self.quotation.customer))

    def post(self, request, *args, **kwargs):
        if (refused := self.refusal()) is not None:
            return refused
        step = AddressStep(self.quotation.customer, request.POST)
        if not step.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(step, status=400)
        try:
            order = accept_quotation(quotation=self.quotation, by=request.user, **step.addresses)
        except StepRefused as error:
            messages.error(request, str(error))
            return redirect("portal:quotation-detail", pk=self.quotation.pk)
        messages.success(
            request,
            _("Thank you! Quotation %(quotation)s is accepted; your order %(order)s is confirmed.")
            % {"quotation": self.quotation.number, "order": order.number},
        )
        return redirect(self.order_page(order))

    def refusal(self):
        """Back to the quotation, with the reason, when it can no longer be accepted."""
        if self.quotation.can_become(Quotation.Status.ACCEPTED):
            return None
        error = InvalidTransition(self.quotation, Quotation.Status.ACCEPTED)
        messages.error(self.request, str(error))
        return redirect("portal:quotation-detail", pk=self.quotation.pk)

    def render_form(self, step: AddressStep, status: int = 200):
        context = self.get_context_data(
            quotation=self.quotation, lines=list(self.quotation.lines.all()), **step.context()
        )
        return self.render_to_response(context, status=status)

    def order_page(self, order) -> str:
        """The order's portal page when it exists and the user may open it; else home."""
        if has_area(self.request.user, Area.ORDERS):
            try:
                return reverse("portal:order-detail", args=[order.pk])
            except NoReverseMatch:
                pass
        return reverse("portal:home")


class QuotationDeclineView(QuotationDetailView):
    """Decline the quotation with a reason; only the reason is read from the form."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = DeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please tell us why you decline."))
            context = self.get_context_data(decline_form=form, show_decline=True)
            return self.render_to_response(context, status=400)
        run_step(
            request,
            decline_quotation,
            _("Quotation %(quotation)s is declined. Thank you for letting us know.")
            % {"quotation": self.quotation.number},
            quotation=self.quotation,
            reason=form.cleaned_data["reason"],
        )
        return redirect("portal:quotation-detail", pk=self.quotation.pk)
