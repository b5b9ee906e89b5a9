"""The customer page: a header and tabs; each tab is its own view (other apps add theirs)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from lumytic.core.access import StaffRequiredMixin, staff_required

from .forms import ContactForm
from .models import Contact, Customer
from .services import (
    CustomerError,
    add_contact,
    customer_documents,
    delete_contact,
    make_primary_contact,
    update_contact,
)


class CustomerDetailView(StaffRequiredMixin, TemplateView):
    """The customer page: identity, finance, addresses, contacts and recent activity."""

    template_name = "customers/customer_detail.html"

    def get_context_data(self, **kwargs):
        customer = get_object_or_404(
            Customer.objects.select_related("group", "advisor", "reseller"), pk=kwargs["pk"]
        )
        return super().get_context_data(
            customer=customer,
            contacts=list(customer.contacts.select_related("user")),
            tags=list(customer.tags.all()),
            activity=list(customer.activity.select_related("actor")[:20]),
            documents=customer_documents(customer),
            nav="customers",
            **kwargs,
        )


class ContactFormView(StaffRequiredMixin, TemplateView):
    """Add a contact to a customer, or edit one."""

    template_name = "customers/contact_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.contact = None
        self.customer_pk = kwargs["pk"]

    def objects(self):
        customer = get_object_or_404(Customer, pk=self.customer_pk)
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
        if contact:
            update_contact(contact=contact, by=request.user, **form.cleaned_data)
            messages.success(request, _("The contact is saved."))
        else:
            add_contact(customer=customer, by=request.user, **form.cleaned_data)
            messages.success(request, _("The contact is added."))
        return redirect(customer)

    def render(self, customer, contact, form, status: int = 200) -> HttpResponse:
        context = self.get_context_data(
            customer=customer, contact=contact, form=form, nav="customers"
        )
        return self.render_to_response(context, status=status)


def _contact_of(pk: int, contact_pk: int) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("customer"), pk=contact_pk, customer_id=pk
    )


@require_POST
@staff_required
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Delete a contact that is not the primary one."""
    contact = _contact_of(pk, contact_pk)
    try:
        delete_contact(contact=contact, by=request.user)
    except CustomerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is deleted.") % {"name": contact})
    return redirect(contact.customer)


@require_POST
@staff_required
def contact_make_primary(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Make a contact the customer's primary contact."""
    contact = _contact_of(pk, contact_pk)
    make_primary_contact(contact=contact, by=request.user)
    messages.success(request, _("%(name)s is now the primary contact.") % {"name": contact})
    return redirect(contact.customer)
