"""Statements of account on screen, as PDF and as CSV: the back-office page, and the pieces the
portal's page reuses (`StatementMixin`). `?download=pdf` or `?download=csv` gives the file."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from customers.csvspec import neutralise
from customers.models import Customer
from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin
from lumytic.core.downloads import csv_download
from lumytic.core.validation import CheckedForm, sensible_dates

from .pdf import PdfTooLarge, render_statement_pdf
from .statements import Statement, statement_csv_rows, statement_currencies, statement_for

MAX_RANGE_DAYS = 3660  # ten years: a longer statement is not one anybody reads
STATEMENT_ROWS_PER_PAGE = 50


class StatementForm(CheckedForm):
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=sensible_dates(),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=sensible_dates(),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))

    def __init__(self, *args, currencies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(code, code) for code in currencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("start", _("Choose a period of at most ten years."))
        return data


def default_period(today: date) -> tuple[date, date]:
    """The year so far, or the last 90 days early in January."""
    start = today.replace(month=1, day=1)
    return (min(start, today - timedelta(days=90)), today)


def _csv_cell(value) -> object:
    # Numbers stay numbers (a negative balance is not a formula); text is neutralised.
    return value if not isinstance(value, str) else neutralise(value)


def statement_filename(statement: Statement, ext: str) -> str:
    number = "".join(c for c in str(statement.customer.number) if c.isalnum() or c == "-")
    return f"statement-{number}-{statement.currency}-{statement.start}-{statement.end}.{ext}"


def statement_csv_response(statement: Statement):
    rows = ([_csv_cell(cell) for cell in row] for row in statement_csv_rows(statement))
    return csv_download(rows, statement_filename(statement, "csv"))


def statement_pdf_response(statement: Statement) -> HttpResponse:
    response = HttpResponse(render_statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{statement_filename(statement, "pdf")}"'
    )
    return response


class StatementMixin:
    """Resolve the period and currency from the query string; render, or download a file.

    Subclasses set `self.statement_customer` before `get` runs and name the page's URL.
    """

    statement_customer = None

    def statement_form(self) -> StatementForm:
        customer = self.statement_customer
        currencies = statement_currencies(customer)
        start, end = default_period(timezone.localdate())
        initial = {
            "start": start,
            "end": end,
            "currency": customer.default_currency
            if customer.default_currency in currencies
            else (currencies[0] if currencies else ""),
        }
        if any(key in self.request.GET for key in ("start", "end", "currency")):
            data = {key: self.request.GET.get(key, "") or initial[key] for key in initial}
            return StatementForm(data, currencies=currencies)
        return StatementForm(initial, currencies=currencies)

    def get(self, request, *args, **kwargs):
        form = self.statement_form()
        statement = None
        if form.is_valid():
            statement = statement_for(
                self.statement_customer,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                currency=form.cleaned_data["currency"],
            )
            download = request.GET.get("download")
            if download == "csv":
                return statement_csv_response(statement)
            if download == "pdf":
                try:
                    return statement_pdf_response(statement)
                except PdfTooLarge:
                    messages.error(
                        request, _("This statement is too long for a PDF; choose a shorter period.")
                    )
                    return redirect(request.path)
        query = request.GET.copy()
        query.pop("download", None)
        query.pop("page", None)
        context = self.get_context_data(
            form=form,
            statement=statement,
            query=query.urlencode() or form_query(form),
            **(statement_page(statement, request.GET.get("page")) if statement else {}),
        )
        return self.render_to_response(context, status=200 if statement else 400)


def statement_page(statement: Statement, number) -> dict:
    """One screen of a long statement, with the balance brought forward from the rows before it
    and carried forward to the next page (the downloads always hold every row)."""
    page = Paginator(statement.rows, STATEMENT_ROWS_PER_PAGE).get_page(number)
    rows = page.object_list
    first = page.start_index() - 1  # index of this page's first row in the whole statement
    return {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "rows": rows,
        "brought_forward": statement.rows[first - 1].balance if first > 0 else statement.opening,
        "carried_forward": rows[-1].balance if page.has_next() else None,
    }


def form_query(form: StatementForm) -> str:
    data = form.cleaned_data if form.is_valid() else {}
    return urlencode({key: str(value) for key, value in data.items()})


class CustomerStatementView(StaffRequiredMixin, StatementMixin, TemplateView):
    """The back-office statement of one customer (the "Statement" button on its page)."""

    permission_required = (roles.VIEW_CUSTOMER, roles.VIEW_ORDER)

    template_name = "sales/customer_statement.html"

    def get(self, request, *args, **kwargs):
        self.statement_customer = get_object_or_404(
            Customer.objects.visible_to(request.user), pk=kwargs["pk"]
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.statement_customer, nav="customers", **kwargs)
