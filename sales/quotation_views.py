"""Quotations in the back-office: list, detail, one POST view per workflow step, the PDF and the
customer page's Quotations tab. The editor is in `quotation_editor_views.py`."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView, TemplateView

from customers.models import ActivityEntry, advised_only
from customers.page_views import CustomerTabView
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_required
from lumytic.core.steps import run_step
from lumytic.core.workflow import StepRefused

from .list_views import FilteredListMixin
from .models import Quotation
from .pdf import render_quotation_pdf
from .quotation_forms import DeclineForm
from .responses import pdf_response
from .services.quotations import (
    decline_quotation,
    duplicate_quotation,
    send_quotation,
)

QUOTATION_SORTS = {
    "created": ("created_at", "pk"),
    "number": ("number",),
    "customer": ("customer__name", "pk"),
    "valid_until": ("valid_until", "pk"),
    "total": ("total", "pk"),
    "status": ("status", "pk"),
}


def timeline(quotation: Quotation) -> list[ActivityEntry]:
    return list(
        ActivityEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Quotation), target_id=str(quotation.pk)
        ).select_related("actor")[:50]
    )


# --- List ----------------------------------------------------------------------------------------


class QuotationListView(FilteredListMixin, ListView):
    permission_required = roles.VIEW_QUOTATION
    template_name = "sales/quotation_list.html"
    nav = "quotation-list"
    statuses = Quotation.Status.choices
    search_fields = ("number", "customer__name", "customer__number")
    sorts = QUOTATION_SORTS
    default_sort = "-created"

    def get_queryset(self):
        queryset = Quotation.objects.filter(advised_only(self.request.user)).select_related(
            "customer"
        )
        return self.sorted(self.search(queryset))

    def filtering(self) -> bool:
        return bool(self.q or self.status)  # a quotation list has no "awaiting action" filter

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sort_columns=[
                ("number", _("Number")),
                ("customer", _("Customer")),
                ("created", _("Created")),
                ("valid_until", _("Valid until")),
                ("total", _("Total")),
                ("status", _("Status")),
            ],
            **kwargs,
        )


# --- Detail and workflow steps -------------------------------------------------------------------


class QuotationDetailView(StaffRequiredMixin, TemplateView):
    permission_required = roles.VIEW_QUOTATION
    template_name = "sales/quotation_detail.html"

    def get_context_data(self, **kwargs):
        quotation = get_object_or_404(
            Quotation.objects.filter(advised_only(self.request.user)).select_related(
                "customer", "contact", "created_by", "order", "customer__advisor"
            ),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(
            nav="quotation-list",
            quotation=quotation,
            lines=list(quotation.lines.select_related("product")),
            order=getattr(quotation, "order", None),
            timeline=timeline(quotation),
            decline_form=kwargs.pop("decline_form", None) or DeclineForm(),
            **kwargs,
        )


def _quotation(pk: int) -> Quotation:
    return get_object_or_404(Quotation.objects.select_related("customer"), pk=pk)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.ISSUE_DOCUMENTS)
def quotation_send(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = _quotation(pk)
    run_step(
        request,
        send_quotation,
        _("Quotation %(number)s is sent.") % {"number": quotation},
        quotation=quotation,
    )
    return redirect(quotation)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def quotation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the customer's refusal; the reason is required."""
    quotation = _quotation(pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        view = QuotationDetailView()
        view.setup(request, pk=pk)
        context = view.get_context_data(decline_form=form, show_decline=True)
        return render(request, QuotationDetailView.template_name, context, status=400)
    run_step(
        request,
        decline_quotation,
        _("Quotation %(number)s is declined.") % {"number": quotation},
        quotation=quotation,
        reason=form.cleaned_data["reason"],
    )
    return redirect(quotation)


@require_POST
@staff_required(roles.VIEW_QUOTATION, roles.CHANGE_QUOTATION)
def quotation_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft from this quotation's lines."""
    quotation = _quotation(pk)
    try:
        copy = duplicate_quotation(quotation=quotation, by=request.user)
    except StepRefused as error:
        messages.error(request, str(error))
        return redirect(quotation)
    messages.success(
        request,
        _("Quotation %(copy)s is a new draft copied from %(number)s.")
        % {"copy": copy, "number": quotation},
    )
    return redirect(copy)


@require_GET
@staff_required(roles.VIEW_QUOTATION)
def quotation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = _quotation(pk)
    return pdf_response(render_quotation_pdf(quotation), f"{quotation.number}.pdf")


# --- The customer page's Quotations tab ----------------------------------------------------------


class CustomerQuotationsTab(CustomerTabView):
    """The customer's quotations, newest first, with a button to start one."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_QUOTATION)

    tab = "quotations"
    tab_template = "sales/_quotation_customer_tab.html"

    def get_tab_context(self, customer) -> dict:
        return self.paginate(
            Quotation.objects.filter(customer=customer).order_by("-created_at", "-pk")
        )
