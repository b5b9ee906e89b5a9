"""Back-office review of registration requests: list, read, approve or reject, CR download."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from customers.models import ADDRESS_PARTS
from customers.services import CustomerError
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_file, staff_required
from lumytic.core.downloads import file_attachment
from lumytic.core.lists import search_text

from .models import RegistrationRequest
from .services.registrations import (
    approve_registration,
    possible_duplicates,
    reject_registration,
)
from .signup_forms import ApproveForm, RejectForm

Status = RegistrationRequest.Status
ALL = "all"
STATUS_TABS = (
    (Status.PENDING, Status.PENDING.label),
    (Status.APPROVED, Status.APPROVED.label),
    (Status.REJECTED, Status.REJECTED.label),
    (ALL, gettext_lazy("All")),
)
DUPLICATES_SHOWN = 20


class RegistrationListView(StaffRequiredMixin, ListView):
    """Registration requests by status (pending first), searchable by company or email."""

    permission_required = roles.REVIEW_REGISTRATIONS

    template_name = "portal/registrationrequest_list.html"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status", Status.PENDING)
        self.status = status if status in {*Status.values, ALL} else Status.PENDING
        self.query = search_text(self.request, max_length=200)
        queryset = RegistrationRequest.objects.select_related("decided_by", "customer")
        if self.status != ALL:
            queryset = queryset.filter(status=self.status)
        if self.query:
            queryset = queryset.filter(
                Q(company_name__icontains=self.query) | Q(email__icontains=self.query)
            )
        return queryset

    def get_context_data(self, **kwargs):
        counts = RegistrationRequest.objects.aggregate(
            **{value: Count("pk", filter=Q(status=value)) for value in Status.values},
            all=Count("pk"),
        )
        return super().get_context_data(
            nav="registrations",
            status=self.status,
            query=self.query,
            status_tabs=[(key, label, counts[key]) for key, label in STATUS_TABS],
            **kwargs,
        )


def _address(registration: RegistrationRequest, kind: str) -> list[tuple]:
    rows = []
    for part in ADDRESS_PARTS:
        field = RegistrationRequest._meta.get_field(f"{kind}_{part}")
        value = getattr(registration, field.name)
        rows.append((field.verbose_name, value.name if part == "country" else value))
    return rows


def _detail(
    request: HttpRequest,
    registration: RegistrationRequest,
    *,
    reject_form: RejectForm | None = None,
    approve_form: ApproveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    duplicates = list(possible_duplicates(registration=registration)[: DUPLICATES_SHOWN + 1])
    return render(
        request,
        "portal/registrationrequest_detail.html",
        {
            "nav": "registrations",
            "registration": registration,
            "object": registration,
            "duplicates": duplicates[:DUPLICATES_SHOWN],
            "more_duplicates": len(duplicates) > DUPLICATES_SHOWN,
            "reject_form": reject_form or RejectForm(),
            "approve_form": approve_form or ApproveForm(reviewer=request.user),
            "reject_open": reject_form is not None and bool(reject_form.errors),
            "is_pending": registration.status == Status.PENDING,
            "billing": _address(registration, "billing"),
            "shipping": None
            if registration.shipping_same_as_billing
            else _address(registration, "shipping"),
        },
        status=status,
    )


def _registration(pk: int) -> RegistrationRequest:
    return get_object_or_404(
        RegistrationRequest.objects.select_related("decided_by", "customer"), pk=pk
    )


class RegistrationDetailView(StaffRequiredMixin, View):
    """Everything the applicant sent, possible duplicates, and the decision buttons."""

    permission_required = roles.REVIEW_REGISTRATIONS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _detail(request, _registration(pk))


@staff_file(roles.REVIEW_REGISTRATIONS)
def registration_cr_file(request: HttpRequest, pk: int) -> FileResponse:
    """The applicant's CR document, always as a download, never shown inline."""
    registration = get_object_or_404(RegistrationRequest, pk=pk)
    if not registration.cr_file:
        raise Http404("No CR document")
    # The stored bytes decide the type and extension, whatever the applicant's file was called.
    stem = f"CR-{slugify(registration.company_name) or registration.pk}"
    return file_attachment(registration.cr_file, filename=stem)


@require_POST
@staff_required(roles.REVIEW_REGISTRATIONS)
def registration_approve(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    form = ApproveForm(request.POST, reviewer=request.user)
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(problems))
        return _detail(request, registration, approve_form=form, status=400)
    try:
        customer = approve_registration(
            registration=registration,
            by=request.user,
            advisor=form.cleaned_data["advisor"],
            group=form.cleaned_data["group"],
        )
    except CustomerError as error:  # PortalError is a CustomerError too
        messages.error(request, str(error))
        return _detail(request, _registration(pk), approve_form=form, status=409)
    messages.success(
        request,
        _(
            "%(name)s is approved: customer %(number)s is created and %(email)s has been "
            "emailed a link to set a password."
        )
        % {"name": customer.name, "number": customer.number, "email": registration.email},
    )
    return redirect("portal_office:registration-detail", pk=pk)


@require_POST
@staff_required(roles.REVIEW_REGISTRATIONS)
def registration_reject(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the applicant a reason for the rejection."))
        return _detail(request, registration, reject_form=form, status=400)
    try:
        reject_registration(
            registration=registration, by=request.user, reason=form.cleaned_data["reason"]
        )
    except CustomerError as error:
        messages.error(request, str(error))
        return _detail(request, _registration(pk), status=409)
    messages.success(
        request,
        _("The request from %(name)s is rejected and the applicant has been told why.")
        % {"name": registration.company_name},
    )
    return redirect("portal_office:registration-detail", pk=pk)
