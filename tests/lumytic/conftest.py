"""Fixtures shared by the lumytic tests: the permission matrix's world of objects."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from conversations.models import Attachment
from conversations.services import open_ticket
from customers.models import Credit, CustomerDocument, CustomerImport, Reminder
from customers.services import add_customer_document, add_note
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
    OutboundEmailFactory,
    PortalContactFactory,
    StaffFactory,
)
from tests.portal.factories import PDF, RegistrationFactory


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
    email = OutboundEmailFactory(event="test", status=OutboundEmail.Status.FAILED)
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
