"""Customer records: create, change, (de)activate, delete; groups."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.files import File
from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.utils.translation import gettext as _

from lumytic.accounts import roles
from lumytic.core.access import require_office_perm, require_perm
from lumytic.core.services import allocate_number

from ..logins import grant_login
from ..models import Contact, Customer, CustomerDocument, CustomerGroup, Tag
from .activity import changes_between, record_activity, snapshot
from .documents import add_customer_document
from .errors import CustomerError

TRACKED = [f.name for f in Customer._meta.concrete_fields if f.name not in {"id", "updated_at"}]
CONTACT_TRACKED = ["first_name", "last_name", "email", "phone", "position", "messaging_handle"]


def _set_tags(customer: Customer, names: Iterable[str]) -> None:
    names = list(names)
    existing = {t.name.lower(): t for t in Tag.objects.filter(name__in=names)}
    tags = [existing.get(n.lower()) or Tag.objects.get_or_create(name=n)[0] for n in names]
    customer.tags.set(tags)


@transaction.atomic
def create_customer(
    *,
    by,
    name: str,
    tags: Iterable[str] = (),
    contact: dict[str, Any] | None = None,
    portal_login: bool = False,
    portal_language: str = "",
    portal_welcome: str = "",
    cr_document: File | None = None,
    **fields: Any,
) -> Customer:
    """Create a numbered customer, its primary contact and optionally that contact's login.

    The login comes from the app that owns portal logins (customers/logins.py); its email says
    staff created it unless the caller (an approved signup) names another ``portal_welcome``.
    A `cr_document` becomes version 1 of the customer's CR document.
    """
    require_office_perm(by, roles.ADD_CUSTOMER)
    fields.setdefault("group", CustomerGroup.default())
    customer = Customer(
        number=allocate_number(kind="CUS", yearly=False, width=6), name=name, **fields
    )
    if customer.shipping_same_as_billing:
        customer.copy_billing_to_shipping()
    customer.save()
    _set_tags(customer, tags)
    record_activity(actor=by, verb="created", target=customer, customer=customer)
    if cr_document:
        add_customer_document(
            customer=customer, kind=CustomerDocument.Kind.CR, file=cr_document, by=by
        )
    if contact:
        primary = add_contact(customer=customer, by=by, **contact)
        if portal_login:
            welcome = {"welcome": portal_welcome} if portal_welcome else {}
            grant_login(contact=primary, by=by, language=portal_language, **welcome)
    return customer


@transaction.atomic
def update_customer(
    *,
    customer: Customer,
    by,
    tags: Iterable[str] | None = None,
    contact: dict[str, Any] | None = None,
    portal_login: bool = False,
    cr_document: File | None = None,
    **fields: Any,
) -> Customer:
    """Change a customer (and its primary contact) and record which fields changed.

    A `cr_document` is kept as the next version of the customer's CR document.
    """
    require_office_perm(by, roles.CHANGE_CUSTOMER)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, TRACKED)
    before_tags = sorted(customer.tags.values_list("name", flat=True))
    for name, value in fields.items():
        setattr(customer, name, value)
    if customer.shipping_same_as_billing:
        customer.copy_billing_to_shipping()
    customer.save()
    changes = changes_between(before, snapshot(customer, TRACKED))
    if tags is not None:
        _set_tags(customer, tags)
        after_tags = sorted(customer.tags.values_list("name", flat=True))
        if after_tags != before_tags:
            changes["tags"] = [", ".join(before_tags), ", ".join(after_tags)]
    if changes:
        record_activity(
            actor=by, verb="changed", target=customer, customer=customer, details=changes
        )
    if cr_document:
        add_customer_document(
            customer=customer, kind=CustomerDocument.Kind.CR, file=cr_document, by=by
        )
    if contact:
        primary = customer.contacts.filter(is_primary=True).first()
        if primary is None:
            primary = add_contact(customer=customer, by=by, **contact)
        else:
            update_contact(contact=primary, by=by, **contact)
        if portal_login and primary.user_id is None:
            grant_login(contact=primary, by=by)
    return customer


@transaction.atomic
def update_contact(*, contact: Contact, by, **fields: Any) -> Contact:
    """Change a contact and record which fields changed."""
    require_office_perm(by, roles.CHANGE_CUSTOMER)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = snapshot(contact, CONTACT_TRACKED)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.save()
    changes = changes_between(before, snapshot(contact, CONTACT_TRACKED))
    if changes:
        record_activity(
            actor=by,
            verb="contact changed",
            target=contact,
            customer=contact.customer,
            details=changes,
        )
    return contact


@transaction.atomic
def add_contact(*, customer: Customer, by, **fields: Any) -> Contact:
    """Add a contact; the first contact of a customer becomes its primary one."""
    require_office_perm(by, roles.CHANGE_CUSTOMER)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    has_primary = customer.contacts.filter(is_primary=True).exists()
    fields.pop("is_primary", None)
    contact = Contact.objects.create(customer=customer, is_primary=not has_primary, **fields)
    record_activity(
        actor=by,
        verb="contact added",
        target=contact,
        customer=customer,
        details={"email": contact.email},
    )
    return contact


@transaction.atomic
def set_customer_active(*, customer: Customer, by, active: bool) -> Customer:
    """Activate or deactivate a customer (its portal users are locked out while inactive)."""
    require_perm(by, roles.CHANGE_CUSTOMER)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_active != active:
        customer.is_active = active
        customer.save(update_fields=["is_active", "updated_at"])
        record_activity(
            actor=by,
            verb="activated" if active else "deactivated",
            target=customer,
            customer=customer,
        )
    return customer


def customer_documents(customer: Customer) -> dict[str, int]:
    """Count the documents that keep a customer from being deleted, by document type."""
    collector = Collector(using=router.db_for_write(Customer))
    try:
        collector.collect([customer])
    except ProtectedError as error:
        counts = Counter(str(obj._meta.verbose_name_plural) for obj in error.protected_objects)
        return dict(sorted(counts.items()))
    return {}


@transaction.atomic
def delete_customer(*, customer: Customer, by) -> None:
    """Delete a customer that has no documents; otherwise refuse (deactivate it instead)."""
    require_perm(by, roles.DELETE_CUSTOMER)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer_documents(customer):
        raise CustomerError(
            _("%(name)s has documents and cannot be deleted. Deactivate it instead.")
            % {"name": customer.name}
        )
    record_activity(actor=by, verb="deleted", target=customer, details={"number": customer.number})
    customer.delete()


@transaction.atomic
def save_group(*, group: CustomerGroup | None = None, by, name: str, description: str = ""):
    """Create or rename a customer group."""
    require_perm(by, roles.MANAGE_GROUPS)
    group = group or CustomerGroup()
    group.name = name
    group.description = description
    group.save()
    return group


@transaction.atomic
def delete_group(*, group: CustomerGroup, by) -> None:
    """Delete a group that no customer uses; the default group always stays."""
    require_perm(by, roles.DELETE_GROUP)
    group = CustomerGroup.objects.select_for_update().get(pk=group.pk)
    if group.is_default:
        raise CustomerError(_("The default group cannot be deleted."))
    in_use = group.customers.count()
    if in_use:
        raise CustomerError(
            _("“%(name)s” is used by %(count)d customers and cannot be deleted.")
            % {"name": group.name, "count": in_use}
        )
    group.delete()
