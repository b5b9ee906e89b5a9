"""The portal isolation table: for every portal URL, how it is scoped, and the builders of
another customer's objects its entries point at (tests/portal/test_isolation.py checks it)."""

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from conversations.models import Attachment
from conversations.services import open_ticket
from customers.models import CustomerDocument
from customers.services import add_customer_document
from portal.models import RegistrationRequest
from sales.models import (
    Cancellation,
    Memo,
    Order,
    Payment,
    ProformaInvoice,
    SignedCancellation,
    SignedDocument,
)
from sales.services.invoicing import issue_pi
from sales.services.quotations import create_quotation
from tests.factories import PortalContactFactory
from tests.portal.factories import PDF, RegistrationFactory

# URL name -> what to do: "public" (no login, nothing customer-specific in the URL),
# "own" (the signed-in user's own customer, no ids), or a function giving the kwargs that
# point at another customer's object.
ISOLATION = {
    "login": "public",
    "invitation-accept": "public",
    "signup": "public",
    "signup-done": "public",  # a signed token; its own tests cover tampering
    "home": "own",
    "profile": "own",
    "contact-list": "own",
    "contact-create": "own",
    "quotations": "own",
    "orders": "own",
    "invoices": "own",
    "statements": "own",
    "cancellations": "own",
    "contact-update": lambda foreign: {"contact_pk": foreign["contact"].pk},
    "contact-delete": lambda foreign: {"contact_pk": foreign["contact"].pk},
    "quotation-detail": lambda foreign: {"pk": foreign["quotation"].pk},
    "quotation-pdf": lambda foreign: {"pk": foreign["quotation"].pk},
    "quotation-accept": lambda foreign: {"pk": foreign["quotation"].pk},
    "quotation-decline": lambda foreign: {"pk": foreign["quotation"].pk},
    "order-create": "own",
    "order-detail": lambda foreign: {"pk": foreign["order"].pk},
    "order-edit": lambda foreign: {"pk": foreign["order"].pk},
    "order-line-add": lambda foreign: {"pk": foreign["order"].pk},
    "order-lines": lambda foreign: {"pk": foreign["order"].pk},
    "order-line-remove": lambda foreign: {
        "pk": foreign["order"].pk,
        "line_pk": foreign["order"].lines.get().pk,
    },
    "order-submit": lambda foreign: {"pk": foreign["order"].pk},
    "order-confirm": lambda foreign: {"pk": foreign["order"].pk},
    "order-cancel": lambda foreign: {"pk": foreign["order"].pk},
    "pi-pdf": lambda foreign: {"pk": foreign_pi(foreign).pk},
    "pi-upload": lambda foreign: {"pk": foreign_pi(foreign).pk},
    "signed-document-file": lambda foreign: {"pk": foreign_signed_document(foreign).pk},
    "payment-upload": lambda foreign: {"pk": foreign_pi(foreign).pk},
    "payment-file": lambda foreign: {"pk": foreign_payment(foreign).pk},
    "memo-pdf": lambda foreign: {"pk": foreign_memo(foreign).pk},
    "memo-upload": lambda foreign: {"pk": foreign_memo(foreign).pk},
    "order-cancellation-request": lambda foreign: {"pk": foreign["order"].pk},
    "cancellation-detail": lambda foreign: {"pk": foreign_cancellation(foreign).pk},
    "cancellation-pdf": lambda foreign: {"pk": foreign_cancellation(foreign).pk},
    "cancellation-upload": lambda foreign: {"pk": foreign_cancellation(foreign).pk},
    "signed-cancellation-file": lambda foreign: {"pk": foreign_signed_cancellation(foreign).pk},
    "conversations": "own",
    "ticket-create": "own",
    "ticket-detail": lambda foreign: {"pk": foreign_ticket(foreign).pk},
    "ticket-reply": lambda foreign: {"pk": foreign_ticket(foreign).pk},
    "ticket-close": lambda foreign: {"pk": foreign_ticket(foreign).pk},
    "ticket-reopen": lambda foreign: {"pk": foreign_ticket(foreign).pk},
    "message-attachment": lambda foreign: {"pk": foreign_attachment(foreign).pk},
    "order-thread": lambda foreign: {"pk": foreign["order"].pk},
}


# Back-office URLs that serve a customer's files: staff only, whoever's file it is. Like every
# office URL (lumytic/core/access.py), a portal user gets 403 and a visitor the sign-in page.
# name -> a function giving the kwargs that point at the other customer's file.
OFFICE_FILES = {
    "portal_office:registration-cr-file": lambda foreign: {"pk": foreign_registration(foreign).pk},
    "customers:customer-document-file": lambda foreign: {
        "pk": foreign["customer"].pk,
        "document_pk": foreign_cr_document(foreign).pk,
    },
}


def portal_url_names() -> list[str]:
    resolver = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "portal"
    )
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                names.append(pattern.name)

    walk(resolver.url_patterns)
    return names


def foreign_pi(foreign):
    """The foreign order's PI, as sent to its customer (made on first use; drafts are hidden)."""
    if "pi" not in foreign:
        Order.objects.filter(pk=foreign["order"].pk).update(status=Order.Status.CONFIRMED)
        pi = issue_pi(order=foreign["order"], by=None)
        ProformaInvoice.objects.filter(pk=pi.pk).update(status=ProformaInvoice.Status.SENT)
        Order.objects.filter(pk=foreign["order"].pk).update(status=Order.Status.PI_SENT)
        foreign["pi"] = pi
    return foreign["pi"]


def foreign_signed_document(foreign):
    """A signed copy the other customer uploaded (the row alone; no file is read before 404)."""
    return SignedDocument.objects.create(
        pi=foreign_pi(foreign), version=1, file="sales/signed/foreign.pdf", size=1, sha256="0" * 64
    )


def foreign_memo(foreign):
    """A memo sent to the other customer (the row alone)."""
    return Memo.objects.create(
        number="MEMO-2026-99999", pi=foreign_pi(foreign), text="Foreign memo", status="sent"
    )


def foreign_payment(foreign):
    """A SWIFT proof the other customer uploaded (the row alone; no file is read before 404)."""
    return Payment.objects.create(
        pi=foreign_pi(foreign),
        amount=1,
        currency="USD",
        paid_on="2026-01-05",
        bank_reference="FOREIGN",
        file="payments/proofs/foreign.pdf",
        size=1,
        sha256="0" * 64,
    )


def foreign_cancellation(foreign):
    """The other customer's confirmed cancellation order (the row alone)."""
    if "cancellation" not in foreign:
        Order.objects.filter(pk=foreign["order"].pk).update(status=Order.Status.CONFIRMED)
        foreign["cancellation"] = Cancellation.objects.create(
            order=foreign["order"],
            customer=foreign["customer"],
            number="CXL-2026-99999",
            status=Cancellation.Status.CONFIRMED,
            reason="Foreign reason",
        )
    return foreign["cancellation"]


def foreign_signed_cancellation(foreign):
    """A signed cancellation the other customer uploaded (the row alone; no file is read)."""
    return SignedCancellation.objects.create(
        cancellation=foreign_cancellation(foreign),
        version=1,
        file="sales/signed/foreign.pdf",
        size=1,
        sha256="0" * 64,
    )


def foreign_ticket(foreign):
    """A ticket the other customer opened."""
    if "ticket" not in foreign:
        user = PortalContactFactory(customer=foreign["customer"], is_primary=False).user
        ticket = open_ticket(
            customer=foreign["customer"], by=user, subject="Foreign ticket", body="Foreign"
        )
        foreign["ticket"] = ticket
    return foreign["ticket"]


def foreign_attachment(foreign):
    """A file sent with the other customer's ticket (the row alone; no file is read before 404)."""
    message = foreign_ticket(foreign).messages.get()
    return Attachment.objects.create(
        message=message, file="conversations/attachments/foreign.pdf", original_name="x.pdf", size=1
    )


def foreign_registration(foreign):
    """The other customer's approved registration request, its CR file on disk."""
    return RegistrationFactory(
        status=RegistrationRequest.Status.APPROVED, customer=foreign["customer"]
    )


def foreign_cr_document(foreign):
    """The other customer's CR document, version 1, on disk."""
    return add_customer_document(
        customer=foreign["customer"],
        kind=CustomerDocument.Kind.CR,
        file=ContentFile(PDF, name="cr.pdf"),
        by=None,
    )


def sent_quotation(customer):
    """Another customer's quotation, as sent to them (drafts are hidden from everyone)."""
    quotation = create_quotation(
        customer=customer,
        by=None,
        lines=[{"description": "Foreign offer", "quantity": 1, "unit_price": 10}],
    )
    type(quotation).objects.filter(pk=quotation.pk).update(status="sent")
    return quotation
