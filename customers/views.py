from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.db import connection
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView, View

from lumytic.accounts import roles
from lumytic.core.access import StaffRequiredMixin, has_office_perms, staff_required
from lumytic.core.downloads import csv_download
from lumytic.core.lists import search_text
from lumytic.core.redirects import safe_next
from lumytic.core.steps import run_step

from . import csvspec, listing
from .forms import (
    TAB_LABELS,
    CustomerForm,
    CustomerGroupForm,
    PrimaryContactForm,
    tab_errors,
)
from .models import Customer, CustomerGroup
from .services import (
    CustomerError,
    create_customer,
    customer_documents,
    delete_customer,
    delete_group,
    save_group,
    set_customer_active,
    update_customer,
)


@dataclass
class _Filtered:
    """The customers matching the list's filters, and the list's order."""

    unsearched: QuerySet  # every filter but the search
    terms: listing.SearchTerms | None
    key: str  # the column sorted by (the default when ranked by relevance)
    descending: bool
    explicit: bool  # the sort is the user's choice (`?sort=`), not the default
    estimate: int | None = None
    relevance: listing.Relevance | None = None

    @cached_property
    def matches(self) -> QuerySet:
        """The matches, unordered (a ranked page finds its rows without it)."""
        return self.unsearched.filter(self.terms.q) if self.terms else self.unsearched

    @cached_property
    def queryset(self) -> QuerySet:
        """The matches in the list's order."""
        if self.relevance:
            return self.relevance.order(self.matches)
        # A search with few matches sorts them rather than walk the sort index (see listing).
        few = self.terms is not None and (self.estimate or 0) <= listing.SORT_SEARCH_MATCHES_UP_TO
        return listing.sortable(self.matches, self.key, self.descending, walk_index=not few)


def _filtered(request: HttpRequest, menus_version: str, columns: list[str]) -> _Filtered:
    """The request's filters, search and order (shared by the list and its export)."""
    params = request.GET
    quick = listing.quick_filters(params, menus_version)
    if quick is not None:
        unsearched, terms = quick
    else:
        # A value the menus do not list: the form validates it (an invalid one drops them all).
        filterset = listing.CustomerFilter(params or None, queryset=Customer.objects.all())
        if filterset.is_bound and filterset.is_valid():
            filterset.qs  # noqa: B018  (runs the filters: sets unsearched and terms)
            unsearched, terms = filterset.unsearched, filterset.terms
        else:
            unsearched, terms = Customer.objects.all(), None
    unsearched = unsearched.visible_to(request.user)
    key, descending = listing.parse_sort(params.get("sort"))
    listed = _Filtered(
        unsearched, terms, key, descending, explicit=key == params.get("sort", "").lstrip("-")
    )
    if terms and not unsearched.query.where and connection.vendor == "postgresql":
        listed.estimate = listing.search_estimate(terms)  # the same plan, nothing to compile
    else:
        listed.estimate = listing.estimate(listed.matches)
    # Ranking reads the matches best first (PostgreSQL, which estimates); a search that matches
    # most of the table (one letter) is cheaper in name order, where the first page starts the
    # index.
    if (
        terms is not None
        and not listed.explicit
        and listed.estimate is not None
        and listed.estimate <= listing.SORT_SEARCH_MATCHES_UP_TO
    ):
        listed.relevance = listing.Relevance(terms, unsearched, columns, listed.estimate)
    return listed


class CustomerListView(StaffRequiredMixin, ListView):
    """The list pages by seeking from a row (First/Previous/Next/Last), so deep pages stay
    as fast as the first; the total is exact when small and a planner estimate when large.
    A search without a chosen sort shows the best matches first (PostgreSQL)."""

    template_name = "customers/customer_list.html"
    permission_required = roles.VIEW_CUSTOMER
    paginate_by = 25

    def get_paginate_by(self, queryset) -> int:
        size = self.request.GET.get("per_page", "")
        return int(size) if size.isdigit() and int(size) in listing.PAGE_SIZES else self.paginate_by

    def get_queryset(self):
        self.columns, self.menus_version = listing.list_state(self.request.user)
        self.listed = listed = _filtered(self.request, self.menus_version, self.columns)
        self.total = listing.count(lambda: listed.matches, listed.estimate)
        # The page is found by `seek` (get_context_data); the matches are built only if needed.
        return listed.unsearched

    def get_context_data(self, **kwargs):
        per_page = self.get_paginate_by(self.object_list)
        listed = self.listed
        order = listed.relevance or listing.ColumnOrder(
            listed.queryset, listed.key, listed.descending, self.columns
        )
        page = listing.seek(order, per_page=per_page, params=self.request.GET)
        columns = [listing.BY_KEY[key] for key in self.columns]
        query = self.request.GET.copy()
        for name in ("page", "after", "before", "last"):
            query.pop(name, None)
        paging_query = query.urlencode()
        query.pop("sort", None)
        sizes_query = self.request.GET.copy()
        for name in ("page", "after", "before", "last", "per_page"):
            sizes_query.pop(name, None)
        base_query = query.urlencode()
        sort_key = "" if listed.relevance else listed.key  # ranked: no column is the sort
        return {
            **kwargs,
            "view": self,
            "nav": "customers",
            "search": self.request.GET.get("q", ""),
            "filter_selects": listing.filter_selects(
                listing.filter_menus(self.request.GET, self.menus_version)
            ),
            "object_list": page.object_list,
            "rows": listing.table_rows(listing.rows_html(page.object_list, columns)),
            "header": listing.header_html(columns, sort_key, listed.descending, base_query),
            "page": page,
            "page_links": listing.page_links(page, paging_query),
            "total": self.total,
            "columns": columns,
            "all_columns": listing.COLUMNS,
            "visible": set(self.columns),
            "column_checkboxes": listing.column_checkboxes(self.columns),
            "sort_key": sort_key,
            "descending": listed.descending,
            "explicit_sort": listed.explicit,
            "relevance": listed.relevance is not None,
            "base_query": base_query,
            "paging_query": paging_query,
            "page_size_links": listing.page_size_links(
                listing.PAGE_SIZES, per_page, sizes_query.urlencode()
            ),
            "page_sizes": listing.PAGE_SIZES,
            "per_page": per_page,
            "current_query": self.request.GET.urlencode(),
            "active_filters": sum(
                1 for name in listing.CustomerFilter.base_filters if self.request.GET.get(name)
            ),
        }


@staff_required(roles.VIEW_CUSTOMER, roles.EXPORT_CUSTOMERS)
def customer_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the list as CSV: same filters and order; visible columns, or every field."""
    visible, menus_version = listing.list_state(request.user)
    queryset = _filtered(request, menus_version, visible).queryset
    if request.GET.get("fields") == "all":
        headers = list(csvspec.HEADERS)
        queryset = queryset.select_related("group", "advisor").prefetch_related("tags", "contacts")
        rows_of, row_of = queryset.iterator(chunk_size=2000), _full_row
    else:
        columns = [listing.BY_KEY[key] for key in visible]
        headers = [str(column.label) for column in columns]
        rows_of = listing.iter_rows(queryset, visible, chunk_size=2000)
        row_of = lambda row: [column.value(row) for column in columns]  # noqa: E731

    def rows() -> Iterator[list]:
        yield headers
        # Constant memory: rows come from the database in chunks and leave as they are written.
        for row in rows_of:
            yield [csvspec.neutralise(value) for value in row_of(row)]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(rows(), f"customers-{stamp}.csv")


def _full_row(customer: Customer) -> list:
    contact = next((c for c in customer.contacts.all() if c.is_primary), None)
    values = {
        "group": customer.group.name,
        "phone": customer.phone or "",
        "fax": customer.fax or "",
        "country": customer.country.code or "",
        "billing_country": customer.billing_country.code or "",
        "shipping_country": customer.shipping_country.code or "",
        "advisor_email": customer.advisor.email if customer.advisor else "",
        "late_payment_exempt": "yes" if customer.late_payment_exempt else "no",
        "shipping_same_as_billing": "yes" if customer.shipping_same_as_billing else "no",
        "tags": "|".join(t.name for t in customer.tags.all()),
        "active": "yes" if customer.is_active else "no",
        "contact_first_name": contact.first_name if contact else "",
        "contact_last_name": contact.last_name if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_phone": (contact.phone or "") if contact else "",
        "contact_position": contact.position if contact else "",
    }
    return [values[h] if h in values else getattr(customer, h, "") for h in csvspec.HEADERS]


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next(request, target, fallback)


@require_POST
@staff_required(roles.VIEW_CUSTOMER)
def customer_columns(request: HttpRequest) -> HttpResponse:
    """Remember which columns this staff member sees in the customer list."""
    listing.remember_columns(user=request.user, columns=request.POST.getlist("columns"))
    messages.success(request, _("Your column choice is saved."))
    return redirect(_back(request, reverse("customers:customer-list")))


class CustomerFormView(StaffRequiredMixin, TemplateView):
    """Create or edit a customer in four tabs: General, Finance, Address, Contact."""

    template_name = "customers/customer_form.html"
    customer: Customer | None = None

    def get_forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        primary = self.customer.contacts.filter(is_primary=True).first() if self.customer else None
        return (
            CustomerForm(data, files, instance=self.customer),
            PrimaryContactForm(
                data,
                instance=primary,
                may_grant_portal=self.request.user.has_perm(roles.MANAGE_PORTAL_ACCESS),
            ),
        )

    def get(self, request, *args, **kwargs):
        form, contact_form = self.get_forms()
        return self.render(form, contact_form)

    def post(self, request, *args, **kwargs):
        form, contact_form = self.get_forms()
        contact_given = any(
            request.POST.get(f"contact-{name}") for name in contact_form.Meta.fields
        )
        contact_ok = contact_form.is_valid() if (contact_given or not self.customer) else True
        if not (form.is_valid() and contact_ok):
            messages.error(request, _("Please correct the errors below."))
            return self.render(form, contact_form, status=400)
        data = {k: v for k, v in form.cleaned_data.items() if k != "tags_text"}
        contact = (
            {name: contact_form.cleaned_data[name] for name in contact_form.Meta.fields}
            if contact_given or not self.customer
            else None
        )
        portal_login = bool(contact and contact_form.cleaned_data.get("portal_login"))
        try:
            if self.customer:
                customer = update_customer(
                    customer=self.customer,
                    by=request.user,
                    tags=form.cleaned_data["tags_text"],
                    contact=contact,
                    portal_login=portal_login,
                    **data,
                )
                messages.success(request, _("%(name)s is saved.") % {"name": customer.name})
            else:
                customer = create_customer(
                    by=request.user,
                    tags=form.cleaned_data["tags_text"],
                    contact=contact,
                    portal_login=portal_login,
                    **data,
                )
                messages.success(
                    request,
                    _("%(name)s is created as %(number)s.")
                    % {"name": customer.name, "number": customer.number},
                )
        except CustomerError as error:
            messages.error(request, str(error))
            return self.render(form, contact_form, status=400)
        return redirect(customer)

    def render(self, form, contact_form, status: int = 200) -> HttpResponse:
        errors = tab_errors(form, contact_form)
        first_error = next((tab for tab, count in errors.items() if count), None)
        context = self.get_context_data(
            form=form,
            contact_form=contact_form,
            customer=self.customer,
            nav="customers",
            tabs=[(key, label, errors[key]) for key, label in TAB_LABELS.items()],
            active_tab=first_error or self.request.GET.get("tab", "general"),
        )
        return self.render_to_response(context, status=status)


class CustomerCreateView(CustomerFormView):
    permission_required = roles.ADD_CUSTOMER


class CustomerUpdateView(CustomerFormView):
    permission_required = (roles.VIEW_CUSTOMER, roles.CHANGE_CUSTOMER)

    def dispatch(self, request, *args, **kwargs):
        if has_office_perms(request.user, self.permission_required):
            self.customer = get_object_or_404(
                Customer.objects.visible_to(request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)


class CustomerDeleteView(StaffRequiredMixin, View):
    """Confirm, then delete; a customer with documents can only be deactivated."""

    template_name = "customers/customer_confirm_delete.html"
    permission_required = (roles.VIEW_CUSTOMER, roles.DELETE_CUSTOMER)

    def get(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        return render(
            request,
            self.template_name,
            {"customer": customer, "documents": customer_documents(customer), "nav": "customers"},
        )

    def post(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        try:
            delete_customer(customer=customer, by=request.user)
        except CustomerError as error:
            messages.error(request, str(error))
            return redirect("customers:customer-delete", pk=pk)
        messages.success(request, _("%(name)s is deleted.") % {"name": customer.name})
        return redirect("customers:customer-list")


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.CHANGE_CUSTOMER)
def customer_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Activate or deactivate a customer."""
    customer = get_object_or_404(Customer, pk=pk)
    active = request.POST.get("active") == "1"
    set_customer_active(customer=customer, by=request.user, active=active)
    text = _("%(name)s is active again.") if active else _("%(name)s is deactivated.")
    messages.success(request, text % {"name": customer.name})
    return redirect(_back(request, customer.get_absolute_url()))


class GroupListView(StaffRequiredMixin, ListView):
    """The customer-group dialog body: search, add, rename, delete (loaded with htmx)."""

    template_name = "customers/customergroup_list.html"
    permission_required = roles.VIEW_CUSTOMER
    post_permission_required = roles.MANAGE_GROUPS
    paginate_by = 20

    def get_queryset(self):
        queryset = CustomerGroup.objects.annotate(customer_count=Count("customers")).order_by(
            "-is_default", "name"
        )
        query = search_text(self.request)
        return queryset.filter(name__icontains=query) if query else queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            q=self.request.GET.get("q", ""),
            form=kwargs.pop("form", None) or CustomerGroupForm(),
            edit_form=kwargs.pop("edit_form", None),
            nav="customers",
            **kwargs,
        )


class GroupCreateView(GroupListView):
    def post(self, request):
        form = CustomerGroupForm(request.POST)
        if form.is_valid():
            group = save_group(by=request.user, **form.cleaned_data)
            messages.success(request, _("Group “%(name)s” is added.") % {"name": group.name})
            return redirect("customers:group-list")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class GroupUpdateView(GroupListView):
    def post(self, request, pk: int):
        group = get_object_or_404(CustomerGroup, pk=pk)
        form = CustomerGroupForm(request.POST, instance=group)
        if form.is_valid():
            save_group(group=group, by=request.user, **form.cleaned_data)
            messages.success(request, _("Group “%(name)s” is saved.") % {"name": group.name})
            return redirect("customers:group-list")
        self.object_list = self.get_queryset()
        context = self.get_context_data(edit_form=form)
        context["editing"] = group.pk
        return self.render_to_response(context, status=400)


@require_POST
@staff_required(roles.DELETE_GROUP)
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a customer group that no customer uses."""
    group = get_object_or_404(CustomerGroup, pk=pk)
    run_step(
        request,
        delete_group,
        _("Group “%(name)s” is deleted.") % {"name": group.name},
        refused=CustomerError,
        group=group,
    )
    return redirect("customers:group-list")
