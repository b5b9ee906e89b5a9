"""The permission matrix: for every back-office URL and method, the permissions it needs.

`OFFICE` below is the one table. For each entry and each role (lumytic/accounts/roles.py), a role
holding every permission named must get through (not 403, and not 404: the objects exist),
every other role and a staff user without a role get 403. A URL under /office/ missing from the
table fails `test_every_office_url_is_in_the_matrix`, so a new view can't ship without deciding
who may use it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conversations.models import Attachment
from conversations.services import open_ticket
from customers.models import Credit, CustomerDocument, CustomerImport, Reminder
from customers.services import add_customer_document, add_note
from lumytic.accounts import roles as r
from lumytic.accounts.roles import ROLES
from notifications.models import OutboundAttachment, OutboundEmail
from portal.services.invitations import invite_to_portal
from sales.models import (
    Cancellation,
    Currency,
    CustomerRate,
    Memo,
    Order,
    Payment,
    Product,
    ProformaInvoice,
    SignedCancellation,
    SignedDocument,
)
from sales.services.invoicing import issue_pi
from sales.services.orders import create_order
from sales.services.quotations import create_quotation
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    CustomerGroupFactory,
    PortalContactFactory,
    StaffFactory,
)
from tests.portal.factories import PDF, RegistrationFactory

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"


def cust(w):
    return {"pk": w["customer"].pk}


def _pk(key):
    return lambda w: {"pk": w[key].pk}


def _on_customer(key, kwarg):
    return lambda w: {"pk": w["customer"].pk, kwarg: w[key].pk}


# The quotation editor's empty line formset (a POST without its management form is refused).
NO_LINES = {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}

# URL name -> (kwargs from the world, {method: permissions needed}[, a query string and POST
# data for the request, from the world]).
OFFICE = {
    "office:dashboard": (None, {GET: ()}),
    # Customers.
    "customers:customer-list": (None, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-export": (None, {GET: (r.VIEW_CUSTOMER, r.EXPORT_CUSTOMERS)}),
    "customers:customer-columns": (None, {POST: (r.VIEW_CUSTOMER,)}),
    "customers:customer-create": (None, {GET: (r.ADD_CUSTOMER,), POST: (r.ADD_CUSTOMER,)}),
    "customers:customer-update": (
        cust,
        {GET: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:customer-delete": (
        cust,
        {GET: (r.VIEW_CUSTOMER, r.DELETE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.DELETE_CUSTOMER)},
    ),
    "customers:customer-set-active": (cust, {POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)}),
    "customers:group-list": (None, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:group-create": (
        None,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.MANAGE_GROUPS)},
    ),
    "customers:group-update": (_pk("group"), {POST: (r.VIEW_CUSTOMER, r.MANAGE_GROUPS)}),
    "customers:group-delete": (_pk("group"), {POST: (r.DELETE_GROUP,)}),
    "customers:customer-detail": (cust, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-contacts": (cust, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-notes": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:customer-reminders": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:customer-activity": (cust, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-credits": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.MANAGE_CREDITS)},
    ),
    "customers:contact-create": (
        cust,
        {GET: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:contact-update": (
        _on_customer("contact", "contact_pk"),
        {GET: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:contact-delete": (
        _on_customer("contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:contact-make-primary": (
        _on_customer("contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:customer-document-file": (
        _on_customer("document", "document_pk"),
        {GET: (r.VIEW_CUSTOMER,)},
    ),
    "customers:note-update": (
        _on_customer("note", "note_pk"),
        {POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:note-delete": (
        _on_customer("note", "note_pk"),
        {POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:reminder-delete": (
        _on_customer("reminder", "reminder_pk"),
        {POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:import-start": (None, {GET: (r.IMPORT_CUSTOMERS,), POST: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-sample": (None, {GET: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-preview": (
        _pk("import"),
        {GET: (r.IMPORT_CUSTOMERS,), POST: (r.IMPORT_CUSTOMERS,)},
    ),
    "customers:import-detail": (_pk("import"), {GET: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-progress": (_pk("import"), {GET: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-rejected": (_pk("import"), {GET: (r.IMPORT_CUSTOMERS,)}),
    # Products and quotations.
    "sales:product-list": (None, {GET: (r.VIEW_PRODUCT,)}),
    "sales:product-create": (
        None,
        {GET: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT), POST: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT)},
    ),
    "sales:product-search": (None, {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:product-update": (
        _pk("product"),
        {GET: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT), POST: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT)},
    ),
    "sales:product-set-active": (_pk("product"), {POST: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT)}),
    "sales:quotation-list": (None, {GET: (r.VIEW_QUOTATION,)}),
    "sales:quotation-create": (
        None,
        {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION), POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)},
        lambda w: {"query": f"?customer={w['customer'].pk}", "data": NO_LINES},
    ),
    "sales:quotation-line": (None, {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:quotation-line-rate": (
        None,
        {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION, r.CHANGE_RATES)},
    ),
    "sales:quotation-preview": (None, {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:quotation-detail": (_pk("quotation"), {GET: (r.VIEW_QUOTATION,)}),
    "sales:quotation-update": (
        _pk("quotation"),
        {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION), POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)},
        lambda w: {"data": NO_LINES},
    ),
    "sales:quotation-send": (_pk("quotation"), {POST: (r.VIEW_QUOTATION, r.ISSUE_DOCUMENTS)}),
    "sales:quotation-decline": (_pk("quotation"), {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:quotation-duplicate": (
        _pk("quotation"),
        {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)},
    ),
    "sales:quotation-pdf": (_pk("quotation"), {GET: (r.VIEW_QUOTATION,)}),
    "sales:customer-quotations": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_QUOTATION)}),
    # Orders.
    "sales:order-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:order-create": (
        None,
        {GET: (r.VIEW_ORDER, r.CHANGE_ORDER), POST: (r.VIEW_ORDER, r.CHANGE_ORDER)},
    ),
    "sales:order-product-search": (None, {GET: (r.VIEW_ORDER, r.CHANGE_ORDER)}),
    "sales:order-detail": (_pk("order"), {GET: (r.VIEW_ORDER,)}),
    "sales:order-owner": (_pk("order"), {POST: (r.VIEW_ORDER, r.CHANGE_ORDER)}),
    "sales:order-cancel": (_pk("order"), {POST: (r.VIEW_ORDER, r.CHANGE_ORDER)}),
    "sales:order-edit": (
        _pk("order"),
        {GET: (r.VIEW_ORDER, r.CHANGE_ORDER), POST: (r.VIEW_ORDER, r.CHANGE_ORDER)},
    ),
    "sales:order-confirm": (
        _pk("order"),
        {GET: (r.VIEW_ORDER, r.CHANGE_ORDER), POST: (r.VIEW_ORDER, r.CHANGE_ORDER)},
    ),
    "sales:customer-orders": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    # Cancellations.
    "sales:cancellation-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:cancellation-detail": (_pk("cancellation"), {GET: (r.VIEW_ORDER,)}),
    "sales:cancellation-confirm": (
        _pk("cancellation"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:cancellation-refuse": (
        _pk("cancellation"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:cancellation-complete": (
        _pk("cancellation"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:cancellation-pdf": (_pk("cancellation"), {GET: (r.VIEW_ORDER,)}),
    "sales:signed-cancellation-file": (_pk("signed_cancellation"), {GET: (r.VIEW_ORDER,)}),
    "sales:signed-cancellation-approve": (
        _pk("signed_cancellation"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:signed-cancellation-reject": (
        _pk("signed_cancellation"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:order-cancellation-create": (
        _pk("order"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:customer-cancellations": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    # PIs, memos, payments, credits.
    "sales:pi-issue": (_pk("order"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:pi-pdf": (_pk("pi"), {GET: (r.VIEW_ORDER,)}),
    "sales:pi-send": (_pk("pi"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:signed-document-file": (_pk("signed_pi"), {GET: (r.VIEW_ORDER,)}),
    "sales:signed-document-approve": (
        _pk("signed_pi"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:signed-document-reject": (
        _pk("signed_pi"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:memo-create": (_pk("pi"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:memo-pdf": (_pk("memo"), {GET: (r.VIEW_ORDER,)}),
    "sales:memo-send": (_pk("memo"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:signed-memo-approve": (
        _pk("signed_memo"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:signed-memo-reject": (
        _pk("signed_memo"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:payment-file": (_pk("payment"), {GET: (r.VIEW_ORDER,)}),
    "sales:payment-confirm": (_pk("payment"), {POST: (r.VIEW_ORDER, r.CONFIRM_PAYMENT)}),
    "sales:payment-reject": (_pk("payment"), {POST: (r.VIEW_ORDER, r.CONFIRM_PAYMENT)}),
    "sales:pi-credit-apply": (_pk("pi"), {POST: (r.VIEW_ORDER, r.MANAGE_CREDITS)}),
    "sales:pi-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:payment-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:customer-statement": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    "sales:customer-proforma-invoices": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    "sales:customer-payments": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    # Exchange rates.
    "sales:exchange": (None, {GET: (r.VIEW_RATES,)}),
    "sales:exchange-update": (None, {POST: (r.VIEW_RATES, r.CHANGE_RATES)}),
    "sales:rate-create": (None, {POST: (r.VIEW_RATES, r.CHANGE_RATES)}),
    "sales:rate-export": (None, {GET: (r.VIEW_RATES,)}),
    "sales:customer-fx-rates": (
        cust,
        {
            GET: (r.VIEW_CUSTOMER, r.VIEW_RATES),
            POST: (r.VIEW_CUSTOMER, r.VIEW_RATES, r.CHANGE_RATES),
        },
    ),
    "sales:customer-fx-rate-delete": (
        _on_customer("customer_rate", "rate_pk"),
        {POST: (r.VIEW_CUSTOMER, r.CHANGE_RATES)},
    ),
    # Conversations.
    "conversations:inbox": (None, {GET: (r.VIEW_CONVERSATIONS,)}),
    "conversations:ticket-detail": (_pk("ticket"), {GET: (r.VIEW_CONVERSATIONS,)}),
    "conversations:ticket-reply": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-note": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-assign": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-close": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-reopen": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:order-thread": (
        _pk("order"),
        {
            GET: (r.VIEW_ORDER, r.VIEW_CONVERSATIONS),
            POST: (r.VIEW_ORDER, r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS),
        },
    ),
    "conversations:attachment": (_pk("attachment"), {GET: (r.VIEW_CONVERSATIONS,)}),
    "conversations:customer-tickets": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_CONVERSATIONS)}),
    # The Outbox.
    "notifications:outbox-list": (None, {GET: (r.VIEW_OUTBOX,)}),
    "notifications:outbox-test": (None, {POST: (r.VIEW_OUTBOX, r.RESEND_EMAIL)}),
    "notifications:outbox-detail": (_pk("email"), {GET: (r.VIEW_OUTBOX,)}),
    "notifications:outbox-resend": (_pk("email"), {POST: (r.VIEW_OUTBOX, r.RESEND_EMAIL)}),
    "notifications:outbox-attachment": (
        lambda w: {"pk": w["email"].pk, "attachment_pk": w["email_attachment"].pk},
        {GET: (r.VIEW_OUTBOX,)},
    ),
    # Portal access and registrations.
    "portal_office:customer-portal": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:contact-access": (
        _on_customer("portal_contact", "contact_pk"),
        {
            GET: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS),
            POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS),
        },
    ),
    "portal_office:contact-login-active": (
        _on_customer("portal_contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:contact-set-password": (
        _on_customer("portal_contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:invitation-resend": (
        _on_customer("invitation", "invitation_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:invitation-revoke": (
        _on_customer("invitation", "invitation_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:registration-list": (None, {GET: (r.REVIEW_REGISTRATIONS,)}),
    "portal_office:registration-detail": (_pk("registration"), {GET: (r.REVIEW_REGISTRATIONS,)}),
    "portal_office:registration-cr-file": (
        _pk("registration"),
        {GET: (r.REVIEW_REGISTRATIONS,)},
    ),
    "portal_office:registration-approve": (
        _pk("registration"),
        {POST: (r.REVIEW_REGISTRATIONS,)},
    ),
    "portal_office:registration-reject": (
        _pk("registration"),
        {POST: (r.REVIEW_REGISTRATIONS,)},
    ),
}

CASES = [
    (name, method) for name, (_kwargs, methods, *_extra) in OFFICE.items() for method in methods
]


def office_url_names() -> list[str]:
    """Every named URL pattern under /office/, as `namespace:name`."""
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern) and prefix.startswith("office/"):
                found.append(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, "", None)
    return found


def test_every_office_url_is_in_the_matrix():
    missing = sorted(set(office_url_names()) - OFFICE.keys())
    assert not missing, f"Name the permissions of these office URLs in OFFICE: {missing}"
    gone = sorted(OFFICE.keys() - set(office_url_names()))
    assert not gone, f"These OFFICE entries match no URL: {gone}"


def test_every_role_is_reachable_and_the_admin_can_do_everything():
    needed = {
        perm for _k, methods, *_e in OFFICE.values() for perms in methods.values() for perm in perms
    }
    assert needed <= set(ROLES[r.ADMIN])
    # Every role's permissions are used by some page or step (none is decorative).
    assert set(ROLES[r.ADMIN]) - needed <= {
        r.VIEW_ALL_CUSTOMERS,
        r.APPROVE_LARGE_CREDIT,
        r.APPROVE_OVERPAYMENT,
    }


@pytest.fixture
def world():
    """One of everything an office URL can point at, owned by one customer."""
    customer = CustomerFactory(name="Matrix Trading")
    staff = StaffFactory(email="owner@lumytic.test")
    contact = ContactFactory(customer=customer, is_primary=False)
    portal_contact = PortalContactFactory(customer=customer, is_primary=False)
    order = create_order(
        customer=customer,
        by=None,
        lines=[{"description": "Goods", "quantity": 1, "unit_price": 100}],
    )
    quotation = create_quotation(
        customer=customer,
        by=None,
        lines=[{"description": "Offer", "quantity": 1, "unit_price": 10}],
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CONFIRMED)
    pi = issue_pi(order=order, by=None)
    ProformaInvoice.objects.filter(pk=pi.pk).update(status=ProformaInvoice.Status.SENT)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PI_SENT)
    memo = Memo.objects.create(number="MEMO-2026-90001", pi=pi, text="Pay to", status="sent")
    signed = {"file": ContentFile(PDF, name="signed.pdf"), "size": len(PDF), "sha256": "0" * 64}
    signed_pi = SignedDocument.objects.create(pi=pi, version=1, **signed)
    signed_memo = SignedDocument.objects.create(pi=pi, memo=memo, version=1, **signed)
    payment = Payment.objects.create(
        pi=pi,
        amount=Decimal("50"),
        currency=order.currency,
        paid_on=date(2026, 1, 5),
        bank_reference="MATRIX",
        **{**signed, "file": ContentFile(PDF, name="proof.pdf")},
    )
    cancellation = Cancellation.objects.create(
        order=order,
        customer=customer,
        number="CXL-2026-90001",
        status=Cancellation.Status.CONFIRMED,
        reason="Matrix",
    )
    signed_cancellation = SignedCancellation.objects.create(
        cancellation=cancellation, version=1, **{**signed, "file": ContentFile(PDF, name="c.pdf")}
    )
    ticket = open_ticket(customer=customer, by=portal_contact.user, subject="Help", body="Hello")
    attachment = Attachment.objects.create(
        message=ticket.messages.get(),
        file=ContentFile(PDF, name="a.pdf"),
        original_name="a.pdf",
        size=len(PDF),
    )
    email = OutboundEmail.objects.create(
        event="test",
        to_email="someone@example.com",
        from_email="sales@lumytic.test",
        subject="Hello",
        body_text="Hello",
        body_html="<p>Hello</p>",
        status=OutboundEmail.Status.FAILED,
    )
    currency, _created = Currency.objects.get_or_create(
        code="EUR", defaults={"name": "Euro", "symbol": "€", "decimals": 2}
    )
    return {
        "customer": customer,
        "contact": contact,
        "portal_contact": portal_contact,
        "group": CustomerGroupFactory(name="Matrix group"),
        "note": add_note(customer=customer, by=staff, text="A note"),
        "reminder": Reminder.objects.create(
            customer=customer,
            staff=staff,
            created_by=staff,
            due_at=timezone.now() + timedelta(days=1),
            text="Call",
        ),
        "credit": Credit.objects.create(
            customer=customer, amount=5, currency=order.currency, reason="Goodwill"
        ),
        "document": add_customer_document(
            customer=customer,
            kind=CustomerDocument.Kind.CR,
            file=ContentFile(PDF, name="cr.pdf"),
            by=None,
        ),
        "import": CustomerImport.objects.create(
            file=ContentFile(b"name,email\nA,a@example.com\n", name="c.csv"),
            original_name="c.csv",
            created_by=staff,
        ),
        "product": Product.objects.create(sku="MX-1", name="Widget", unit_price=1, currency="USD"),
        "quotation": quotation,
        "order": order,
        "pi": pi,
        "memo": memo,
        "signed_pi": signed_pi,
        "signed_memo": signed_memo,
        "payment": payment,
        "cancellation": cancellation,
        "signed_cancellation": signed_cancellation,
        "customer_rate": CustomerRate.objects.create(
            customer=customer,
            currency=currency,
            rate=Decimal("1.5"),
            valid_from=date(2026, 1, 1),
            created_by=staff,
        ),
        "ticket": ticket,
        "attachment": attachment,
        "email": email,
        "email_attachment": OutboundAttachment.objects.create(
            email=email, filename="a.pdf", mimetype="application/pdf", content=PDF
        ),
        "invitation": invite_to_portal(
            customer=customer, by=None, first_name="Ina", email="ina@matrix.example"
        ),
        "registration": RegistrationFactory(),
    }


@pytest.fixture
def people():
    users = {name: StaffFactory(roles=[name]) for name in ROLES}
    users["no role"] = StaffFactory(roles=[])
    return users


def allowed(role: str, needed: tuple[str, ...]) -> bool:
    return set(needed) <= set(ROLES.get(role, ()))


@pytest.mark.parametrize(("name", "method"), CASES)
def test_each_role_may_or_may_not_use_each_office_url(client, world, people, name, method):
    kwargs, methods, *extra = OFFICE[name]
    request = extra[0](world) if extra else {}
    url = reverse(name, kwargs=kwargs(world) if kwargs else None) + request.get("query", "")
    needed = methods[method]
    results = {}
    for role, user in people.items():
        client.force_login(user)
        # Each role meets the world as it was: what one role's POST changes is rolled back.
        with transaction.atomic():
            if method == GET:
                response = client.get(url)
            else:
                response = client.post(url, request.get("data", {}))
            transaction.set_rollback(True)
        results[role] = response.status_code
    expected = {role: allowed(role, needed) for role in people}
    wrong = {
        role: status
        for role, status in results.items()
        if (status in (403, 404, 405) if expected[role] else status != 403)
    }
    assert not wrong, f"{method} {url}: expected {expected}, got {results}"
