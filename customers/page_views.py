"""The customer page: a header and tabs; each tab is its own view (other apps add theirs)."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from lumytic.accounts import roles
from lumytic.accounts.audience import is_reachable_staff, staff_audience
from lumytic.core.access import StaffRequiredMixin, staff_file, staff_required
from lumytic.core.downloads import file_attachment
from lumytic.core.steps import run_step

from . import tabs
from .forms import ContactForm, CreditForm, NoteForm, ReminderForm
from .models import Contact, Credit, Customer, CustomerDocument, Note, Reminder
from .services import (
    CustomerError,
    add_contact,
    add_credit,
    add_note,
    add_reminder,
    credit_totals,
    delete_contact,
    delete_note,
    delete_reminder,
    make_primary_contact,
    update_contact,
    update_note,
)


def visible_customer(user, pk: int) -> Customer:
    """The customer `pk` if this staff user may see it, else 404 (advisors may be limited)."""
    return get_object_or_404(Customer.objects.visible_to(user), pk=pk)


def tab_url(customer_pk: int, key: str) -> str:
    return reverse(tabs.customer_tabs_by_key()[key].url_name, args=[customer_pk])


def tab_path(view: type["CustomerTabView"]) -> URLPattern:
    """A tab's address, from the view's `tab`: `customers/<pk>/<tab>/`, named `customer-<tab>`."""
    return path(f"customers/<int:pk>/{view.tab}/", view.as_view(), name=f"customer-{view.tab}")


class CustomerTabView(StaffRequiredMixin, TemplateView):
    """One tab of the customer page: the whole page, or just the tab when htmx asks for it.

    Subclasses (in this app or another) set `tab` and `tab_template` and add their data in
    `get_tab_context`; a POST that fails validation re-renders the tab with status 400.
    """

    template_name = "customers/customer_page.html"
    permission_required = roles.VIEW_CUSTOMER
    tab = ""
    tab_template = ""
    paginate_by = 20

    def get_template_names(self) -> list[str]:
        if self.is_tab_only():
            return [f"{self.template_name}#tab"]
        return [self.template_name]

    def get_customer(self) -> Customer:
        return get_object_or_404(
            Customer.objects.visible_to(self.request.user).select_related(
                "group", "advisor", "reseller"
            ),
            pk=self.kwargs["pk"],
        )

    def get_tab_context(self, customer: Customer) -> dict:
        return {}

    def is_tab_only(self) -> bool:
        return bool(self.request.htmx and self.request.htmx.target == "customer-tab")

    def advisor_fallback(self, customer: Customer) -> list | None:
        """Who gets the order emails instead, when the customer has no active advisor."""
        if is_reachable_staff(customer.advisor) or self.is_tab_only():
            return None  # a tab swap leaves the page header (and its warning) as it is
        return staff_audience()

    def paginate(self, queryset) -> dict:
        paginator = Paginator(queryset, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "object_list": page.object_list,
        }

    def get_context_data(self, **kwargs):
        self.customer = getattr(self, "customer", None) or self.get_customer()
        context = super().get_context_data()
        context.update(
            customer=self.customer,
            tags=list(self.customer.tags.all()),
            tabs=[(tab, tab.url(self.customer.pk)) for tab in tabs.customer_tabs()],
            actions=[(a, a.url(self.customer.pk)) for a in tabs.customer_actions()],
            active_tab=self.tab,
            tab_template=self.tab_template,
            nav="customers",
            advisor_fallback=self.advisor_fallback(self.customer),
        )
        context.update(self.get_tab_context(self.customer))
        context.update(kwargs)  # a bound form from a failed POST replaces the blank one
        return context

    def invalid(self, **forms) -> HttpResponse:
        messages.error(self.request, _("Please correct the errors below."))
        return self.render_to_response(self.get_context_data(**forms), status=400)


class SummaryTab(CustomerTabView):
    tab = "summary"
    tab_template = "customers/tabs/summary.html"

    def get_tab_context(self, customer: Customer) -> dict:
        parts = tabs.summary_parts(customer)
        activity = list(customer.activity.select_related("actor")[:8])
        return {
            "totals": [total for part in parts for total in part.totals],
            "balance": tabs.combine_balance(parts),
            "activity": activity,
            "last_activity": activity[0] if activity else None,
            "primary": customer.contacts.filter(is_primary=True).first(),
            "contact_count": customer.contacts.count(),
            "upcoming": list(
                customer.reminders.filter(notified_at__isnull=True).select_related("staff")[:3]
            ),
            "notes": list(customer.notes.select_related("author")[:3]),
            "cr_documents": list(
                customer.documents.filter(kind=CustomerDocument.Kind.CR).select_related(
                    "uploaded_by"
                )
            ),
        }


class ContactsTab(CustomerTabView):
    tab = "contacts"
    tab_template = "customers/tabs/contacts.html"

    def get_tab_context(self, customer: Customer) -> dict:
        return {"contacts": list(customer.contacts.select_related("user"))}


class NotesTab(CustomerTabView):
    tab = "notes"
    post_permission_required = roles.WRITE_NOTES
    tab_template = "customers/tabs/notes.html"

    def get_tab_context(self, customer: Customer) -> dict:
        return {
            "form": NoteForm(),
            **self.paginate(customer.notes.select_related("author")),
        }

    def post(self, request, *args, **kwargs):
        self.customer = self.get_customer()
        form = NoteForm(request.POST)
        if not form.is_valid():
            return self.invalid(form=form)
        add_note(customer=self.customer, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The note is saved."))
        return redirect(tab_url(self.customer.pk, "notes"))


class RemindersTab(CustomerTabView):
    tab = "reminders"
    post_permission_required = roles.WRITE_NOTES
    tab_template = "customers/tabs/reminders.html"

    def initial(self) -> dict:
        tomorrow = timezone.localdate() + timedelta(days=1)
        due = timezone.make_aware(datetime.combine(tomorrow, time(9)))
        return {"staff": self.request.user.pk, "due_at": due}

    def get_tab_context(self, customer: Customer) -> dict:
        reminders = customer.reminders.select_related("staff", "created_by")
        return {
            "form": ReminderForm(initial=self.initial()),
            "pending": list(reminders.filter(notified_at__isnull=True)),
            "sent": list(reminders.filter(notified_at__isnull=False).order_by("-due_at")[:20]),
        }

    def post(self, request, *args, **kwargs):
        self.customer = self.get_customer()
        form = ReminderForm(request.POST)
        if form.is_valid():
            try:
                add_reminder(customer=self.customer, by=request.user, **form.cleaned_data)
            except CustomerError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The reminder is set."))
                return redirect(tab_url(self.customer.pk, "reminders"))
        return self.invalid(form=form)


class ActivityTab(CustomerTabView):
    tab = "activity"
    tab_template = "customers/tabs/activity.html"
    paginate_by = 25

    def get_tab_context(self, customer: Customer) -> dict:
        return self.paginate(customer.activity.select_related("actor"))


class CreditsTab(CustomerTabView):
    tab = "credits"
    post_permission_required = roles.MANAGE_CREDITS
    tab_template = "customers/tabs/credits.html"

    def get_tab_context(self, customer: Customer) -> dict:
        return {
            "form": CreditForm(initial={"currency": customer.default_currency}),
            "credit_totals": credit_totals(customer),
            **self.paginate(customer.credits.select_related("created_by")),
        }

    def post(self, request, *args, **kwargs):
        self.customer = self.get_customer()
        form = CreditForm(request.POST)
        if form.is_valid():
            try:
                add_credit(customer=self.customer, by=request.user, **form.cleaned_data)
            except CustomerError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The credit is recorded."))
                return redirect(tab_url(self.customer.pk, "credits"))
        return self.invalid(form=form)


def credits_summary(customer: Customer) -> tabs.SummaryPart:
    """Credits on the Summary tab: a document type, and money we owe the customer."""
    rows = credit_totals(customer)
    amounts = {row["currency"]: row["total"] for row in rows}
    total = tabs.DocumentTotal(
        label=Credit._meta.verbose_name_plural.capitalize(),
        count=sum(row["count"] for row in rows),
        amounts=amounts,
        tab="credits",
    )
    return tabs.SummaryPart(
        totals=[total], balance={code: -amount for code, amount in amounts.items()}
    )


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.WRITE_NOTES)
def note_update(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """Change a note's text (its author or an admin)."""
    visible_customer(request.user, pk)
    note = get_object_or_404(Note, pk=note_pk, customer_id=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A note cannot be empty."))
    else:
        run_step(
            request,
            update_note,
            _("The note is saved."),
            refused=CustomerError,
            note=note,
            text=form.cleaned_data["text"],
        )
    return redirect(tab_url(pk, "notes"))


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.WRITE_NOTES)
def note_delete(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """Delete a note (its author or an admin)."""
    visible_customer(request.user, pk)
    note = get_object_or_404(Note, pk=note_pk, customer_id=pk)
    run_step(request, delete_note, _("The note is deleted."), refused=CustomerError, note=note)
    return redirect(tab_url(pk, "notes"))


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.WRITE_NOTES)
def reminder_delete(request: HttpRequest, pk: int, reminder_pk: int) -> HttpResponse:
    """Cancel a reminder that has not been emailed."""
    visible_customer(request.user, pk)
    reminder = get_object_or_404(Reminder, pk=reminder_pk, customer_id=pk)
    run_step(
        request,
        delete_reminder,
        _("The reminder is cancelled."),
        refused=CustomerError,
        reminder=reminder,
    )
    return redirect(tab_url(pk, "reminders"))


class ContactFormView(StaffRequiredMixin, TemplateView):
    """Add a contact to a customer, or edit one."""

    template_name = "customers/contact_form.html"
    permission_required = (roles.VIEW_CUSTOMER, roles.CHANGE_CUSTOMER)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.contact = None
        self.customer_pk = kwargs["pk"]

    def objects(self):
        customer = visible_customer(self.request.user, self.customer_pk)
        contact_pk = self.kwargs.get("contact_pk")
        contact = get_object_or_404(customer.contacts, pk=contact_pk) if contact_pk else None
        return customer, contact

    def get(self, request, *args, **kwargs):
        customer, contact = self.objects()
        return self.render(customer, contact, ContactForm(instance=contact))

    def post(self, request, *args, **kwargs):
        customer, contact = self.objects()
        form = ContactForm(request.POST, instance=contact)
        if not form.is_valid():
            return self.render(customer, contact, form, status=400)
        save_contact(request, form, customer=customer, contact=contact)
        return redirect(tab_url(customer.pk, "contacts"))

    def render(self, customer, contact, form, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            customer=customer, contact=contact, form=form, nav="customers"
        )
        return self.render_to_response(context, status=status)


def save_contact(request, form: ContactForm, *, customer: Customer, contact: Contact | None):
    """Save a valid contact form, staff's or the portal's: the contact's change, else a new one."""
    if contact:
        update_contact(contact=contact, by=request.user, **form.cleaned_data)
        messages.success(request, _("The contact is saved."))
    else:
        add_contact(customer=customer, by=request.user, **form.cleaned_data)
        messages.success(request, _("The contact is added."))


def remove_contact(request, contact: Contact) -> None:
    """Delete a contact, staff's or the portal's; the primary one is refused with a message."""
    run_step(
        request,
        delete_contact,
        _("%(name)s is deleted.") % {"name": contact},
        refused=CustomerError,
        contact=contact,
    )


def _contact_of(pk: int, contact_pk: int) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("customer"), pk=contact_pk, customer_id=pk
    )


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.CHANGE_CUSTOMER)
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Delete a contact that is not the primary one."""
    visible_customer(request.user, pk)
    remove_contact(request, _contact_of(pk, contact_pk))
    return redirect(tab_url(pk, "contacts"))


@require_POST
@staff_required(roles.VIEW_CUSTOMER, roles.CHANGE_CUSTOMER)
def contact_make_primary(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Make a contact the customer's primary contact."""
    visible_customer(request.user, pk)
    contact = _contact_of(pk, contact_pk)
    make_primary_contact(contact=contact, by=request.user)
    messages.success(request, _("%(name)s is now the primary contact.") % {"name": contact})
    return redirect(tab_url(pk, "contacts"))


@require_GET
@staff_file(roles.VIEW_CUSTOMER)
def customer_document_file(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """One version of a customer's document, as a download whose type its bytes decide."""
    visible_customer(request.user, pk)
    document = get_object_or_404(
        CustomerDocument.objects.select_related("customer"), pk=document_pk, customer_id=pk
    )
    return file_attachment(document.file, filename=document.download_name)
