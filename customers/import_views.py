"""Pages of the CSV import: upload, preview and mapping, progress and report."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View
from django_htmx.http import HttpResponseClientRefresh

from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, staff_required
from lumytic.core.downloads import csv_download

from .import_forms import ImportMappingForm, ImportUploadForm
from .models import CustomerImport
from .services.importing import (
    ImportFileError,
    change_import_mapping,
    confirm_import,
    discard_import,
    mapping_problems,
    preview_import,
    rejected_rows,
    sample_rows,
    start_import,
)

RECENT_IMPORTS = 10
REJECTED_PER_PAGE = 50
RUNNING = {CustomerImport.Status.QUEUED, CustomerImport.Status.RUNNING}


class ImportStartView(StaffRequiredMixin, View):
    """Upload a CSV file; below, the recent imports and their status."""

    permission_required = roles.IMPORT_CUSTOMERS

    template_name = "customers/customerimport_start.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(ImportUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        job = start_import(
            upload=form.cleaned_data["file"],
            info=form.file_info,
            update_existing=form.cleaned_data["update_existing"],
            by=request.user,
        )
        return redirect("customers:import-preview", pk=job.pk)

    def render(self, form: ImportUploadForm, status: int = 200) -> HttpResponse:
        recent = CustomerImport.objects.select_related("created_by")[:RECENT_IMPORTS]
        context = {"form": form, "recent": recent, "nav": "customers"}
        return render(self.request, self.template_name, context, status=status)


@staff_required(roles.IMPORT_CUSTOMERS)
def import_sample(request: HttpRequest) -> StreamingHttpResponse:
    """Download a sample file: every column of the format and two example customers."""
    return csv_download(iter(sample_rows()), "customers-sample.csv")


class ImportPreviewView(StaffRequiredMixin, View):
    """Check the mapping of the file's columns and the first lines, then start the import."""

    template_name = "customers/customerimport_preview.html"
    permission_required = roles.IMPORT_CUSTOMERS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.test_func():
            return self.handle_no_permission()
        self.job = get_object_or_404(CustomerImport, pk=kwargs["pk"])
        if self.job.status != CustomerImport.Status.PREVIEW:
            return redirect("customers:import-detail", pk=self.job.pk)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        preview = preview_import(
            job=self.job, mapping=self.job.mapping, update_existing=self.job.update_existing
        )
        initial = {
            f"column_{i}": self.job.mapping.get(h, "") for i, h in enumerate(preview.headers)
        }
        initial["update_existing"] = self.job.update_existing
        form = self._form(preview, initial=initial)
        return self.render(form, preview)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        action = request.POST.get("action", "check")
        try:
            if action == "discard":
                discard_import(job=self.job, by=request.user)
                messages.success(request, _("The import is cancelled and its file deleted."))
                return redirect("customers:import-start")
            preview = preview_import(
                job=self.job, mapping=self.job.mapping, update_existing=self.job.update_existing
            )
            form = self._form(preview, data=request.POST)
            if not form.is_valid():
                return self.render(form, preview, status=400)
            update_existing = form.cleaned_data["update_existing"]
            if action == "confirm":
                confirm_import(
                    job=self.job,
                    mapping=form.mapping(),
                    update_existing=update_existing,
                    by=request.user,
                )
                messages.success(request, _("The import is queued; this page shows its progress."))
                return redirect("customers:import-detail", pk=self.job.pk)
            change_import_mapping(
                job=self.job,
                mapping=form.mapping(),
                update_existing=update_existing,
                by=request.user,
            )
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("customers:import-detail", pk=self.job.pk)
        return redirect("customers:import-preview", pk=self.job.pk)

    def _form(self, preview, **kwargs) -> ImportMappingForm:
        first = preview.lines[0].cells if preview.lines else []
        return ImportMappingForm(headers=preview.headers, first_line=first, **kwargs)

    def render(self, form: ImportMappingForm, preview, status: int = 200) -> HttpResponse:
        positions = [i for i, header in enumerate(preview.headers) if header]
        rows = [
            (line, [line.cells[i] if i < len(line.cells) else "" for i in positions])
            for line in preview.lines
        ]
        context = {
            "job": self.job,
            "form": form,
            "preview": preview,
            "columns": [preview.headers[i] for i in positions],
            "rows": rows,
            "mapped": set(self.job.mapping),
            "problems": mapping_problems(headers=preview.headers, mapping=self.job.mapping),
            "nav": "customers",
        }
        return render(self.request, self.template_name, context, status=status)


def _load(pk: int) -> CustomerImport:
    return get_object_or_404(CustomerImport.objects.select_related("created_by"), pk=pk)


@staff_required(roles.IMPORT_CUSTOMERS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an import's progress while it runs, then its report with the rejected lines."""
    job = _load(pk)
    if job.status == CustomerImport.Status.PREVIEW:
        return redirect("customers:import-preview", pk=job.pk)
    page = Paginator(job.errors, REJECTED_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "running": job.status in RUNNING,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "nav": "customers",
    }
    return render(request, "customers/customerimport_detail.html", context)


@staff_required(roles.IMPORT_CUSTOMERS)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled while the import runs; reload the page once it ends."""
    job = _load(pk)
    running = job.status in RUNNING
    if request.htmx and not running:
        return HttpResponseClientRefresh()
    context = {"job": job, "running": running}
    return render(request, "customers/customerimport_detail.html#progress", context)


@staff_required(roles.IMPORT_CUSTOMERS)
def import_rejected(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Download the rejected lines: the file's columns, then the line number and the reason."""
    job = _load(pk)
    return csv_download(rejected_rows(job=job), f"customer-import-{job.pk}-rejected.csv")
