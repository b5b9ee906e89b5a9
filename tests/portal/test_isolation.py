"""Isolation: every portal URL with another customer's ids is a 404, and forms take no extras;
the back-office files of a customer open for staff only.

The table below must name every URL pattern of the portal; a new portal URL without an entry
fails `test_every_portal_url_has_an_isolation_entry`, so nobody adds a page without deciding
how it is scoped.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conversations.models import Attachment
from conversations.services import open_ticket
from customers.models import Contact, Customer, CustomerDocument
from customers.services import add_customer_document
from portal.models import Area, RegistrationRequest
from portal.services.access import set_portal_access
from portal.services.invitations import invitation_token, invite_to_portal
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
from sales.services.orders import create_order
from sales.services.quotations import create_quotation
from tests.factories import ContactFactory, CustomerFactory, PortalContactFactory, StaffFactory
from tests.portal.factories import PDF, RegistrationFactory

pytestmark = pytest.mark.django_db

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
    "pi-pdf": lambda foreign: {"pk": _foreign_pi(foreign).pk},
    "pi-upload": lambda foreign: {"pk": _foreign_pi(foreign).pk},
    "signed-document-file": lambda foreign: {"pk": _foreign_signed_document(foreign).pk},
    "payment-upload": lambda foreign: {"pk": _foreign_pi(foreign).pk},
    "payment-file": lambda foreign: {"pk": _foreign_payment(foreign).pk},
    "memo-pdf": lambda foreign: {"pk": _foreign_memo(foreign).pk},
    "memo-upload": lambda foreign: {"pk": _foreign_memo(foreign).pk},
    "order-cancellation-request": lambda foreign: {"pk": foreign["order"].pk},
    "cancellation-detail": lambda foreign: {"pk": _foreign_cancellation(foreign).pk},
    "cancellation-pdf": lambda foreign: {"pk": _foreign_cancellation(foreign).pk},
    "cancellation-upload": lambda foreign: {"pk": _foreign_cancellation(foreign).pk},
    "signed-cancellation-file": lambda foreign: {"pk": _foreign_signed_cancellation(foreign).pk},
    "conversations": "own",
    "ticket-create": "own",
    "ticket-detail": lambda foreign: {"pk": _foreign_ticket(foreign).pk},
    "ticket-reply": lambda foreign: {"pk": _foreign_ticket(foreign).pk},
    "ticket-close": lambda foreign: {"pk": _foreign_ticket(foreign).pk},
    "ticket-reopen": lambda foreign: {"pk": _foreign_ticket(foreign).pk},
    "message-attachment": lambda foreign: {"pk": _foreign_attachment(foreign).pk},
    "order-thread": lambda foreign: {"pk": foreign["order"].pk},
}


# Back-office URLs that serve a customer's files: staff only, whoever's file it is. Like every
# office URL (lumytic/core/access.py), a portal user gets 403 and a visitor the sign-in page.
# name -> a function giving the kwargs that point at the other customer's file.
OFFICE_FILES = {
    "portal_office:registration-cr-file": lambda foreign: {"pk": _foreign_registration(foreign).pk},
    "customers:customer-document-file": lambda foreign: {
        "pk": foreign["customer"].pk,
        "document_pk": _foreign_cr_document(foreign).pk,
    },
}


def _portal_url_names() -> list[str]:
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


def test_every_portal_url_has_an_isolation_entry():
    missing = [name for name in _portal_url_names() if name not in ISOLATION]
    assert not missing, f"Add these portal URLs to ISOLATION: {missing}"


@pytest.fixture
def signed_in(client):
    contact = PortalContactFactory(customer__name="Own Company")
    set_portal_access(contact=contact, by=None, areas=Area.values)
    client.force_login(contact.user)
    return contact


@pytest.fixture
def foreign():
    customer = CustomerFactory(name="Someone Else")
    order = create_order(
        customer=customer,
        by=None,
        lines=[{"description": "Foreign goods", "quantity": 1, "unit_price": 10}],
    )
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer, is_primary=False),
        "order": order,
        "quotation": _sent_quotation(customer),
    }


def _foreign_pi(foreign):
    """The foreign order's PI, as sent to its customer (made on first use; drafts are hidden)."""
    if "pi" not in foreign:
        Order.objects.filter(pk=foreign["order"].pk).update(status=Order.Status.CONFIRMED)
        pi = issue_pi(order=foreign["order"], by=None)
        ProformaInvoice.objects.filter(pk=pi.pk).update(status=ProformaInvoice.Status.SENT)
        Order.objects.filter(pk=foreign["order"].pk).update(status=Order.Status.PI_SENT)
        foreign["pi"] = pi
    return foreign["pi"]


def _foreign_signed_document(foreign):
    """A signed copy the other customer uploaded (the row alone; no file is read before 404)."""
    return SignedDocument.objects.create(
        pi=_foreign_pi(foreign), version=1, file="sales/signed/foreign.pdf", size=1, sha256="0" * 64
    )


def _foreign_memo(foreign):
    """A memo sent to the other customer (the row alone)."""
    return Memo.objects.create(
        number="MEMO-2026-99999", pi=_foreign_pi(foreign), text="Foreign memo", status="sent"
    )


def _foreign_payment(foreign):
    """A SWIFT proof the other customer uploaded (the row alone; no file is read before 404)."""
    return Payment.objects.create(
        pi=_foreign_pi(foreign),
        amount=1,
        currency="USD",
        paid_on="2026-01-05",
        bank_reference="FOREIGN",
        file="payments/proofs/foreign.pdf",
        size=1,
        sha256="0" * 64,
    )


def _foreign_cancellation(foreign):
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


def _foreign_signed_cancellation(foreign):
    """A signed cancellation the other customer uploaded (the row alone; no file is read)."""
    return SignedCancellation.objects.create(
        cancellation=_foreign_cancellation(foreign),
        version=1,
        file="sales/signed/foreign.pdf",
        size=1,
        sha256="0" * 64,
    )


def _foreign_ticket(foreign):
    """A ticket the other customer opened."""
    if "ticket" not in foreign:
        user = PortalContactFactory(customer=foreign["customer"], is_primary=False).user
        ticket = open_ticket(
            customer=foreign["customer"], by=user, subject="Foreign ticket", body="Foreign"
        )
        foreign["ticket"] = ticket
    return foreign["ticket"]


def _foreign_attachment(foreign):
    """A file sent with the other customer's ticket (the row alone; no file is read before 404)."""
    message = _foreign_ticket(foreign).messages.get()
    return Attachment.objects.create(
        message=message, file="conversations/attachments/foreign.pdf", original_name="x.pdf", size=1
    )


def _foreign_registration(foreign):
    """The other customer's approved registration request, its CR file on disk."""
    return RegistrationFactory(
        status=RegistrationRequest.Status.APPROVED, customer=foreign["customer"]
    )


def _foreign_cr_document(foreign):
    """The other customer's CR document, version 1, on disk."""
    return add_customer_document(
        customer=foreign["customer"],
        kind=CustomerDocument.Kind.CR,
        file=ContentFile(PDF, name="cr.pdf"),
        by=None,
    )


def _sent_quotation(customer):
    """Another customer's quotation, as sent to them (drafts are hidden from everyone)."""
    quotation = create_quotation(
        customer=customer,
        by=None,
        lines=[{"description": "Foreign offer", "quantity": 1, "unit_price": 10}],
    )
    type(quotation).objects.filter(pk=quotation.pk).update(status="sent")
    return quotation


@pytest.mark.parametrize("name", sorted(ISOLATION))
def test_another_customers_ids_are_404_on_every_portal_url(client, signed_in, foreign, name):
    rule = ISOLATION[name]
    if not callable(rule):
        return  # no ids in the URL; covered by the scoping tests of each page
    url = reverse(f"portal:{name}", kwargs=rule(foreign))
    assert client.get(url).status_code in (302, 404)
    assert client.post(url, {"first_name": "Hacked", "email": "h@x.test"}).status_code == 404
    foreign["contact"].refresh_from_db()
    assert foreign["contact"].first_name != "Hacked"


@pytest.mark.parametrize("name", sorted(n for n, r in ISOLATION.items() if r == "own"))
def test_own_pages_show_nothing_of_another_customer(client, signed_in, foreign, name):
    response = client.get(reverse(f"portal:{name}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone Else" not in html and foreign["contact"].email not in html


PROBE = {
    "customer": "{other_customer}",
    "customer_id": "{other_customer}",
    "owner": "{staff}",
    "status": "approved",
    "is_staff": "on",
    "is_superuser": "on",
    "role": "staff",
    "user": "{staff}",
    "is_primary": "on",
    "number": "CUS-999999",
    "is_active": "",
}


def _probe(data: dict, other_customer: Customer, staff) -> dict:
    values = {
        key: value.format(other_customer=other_customer.pk, staff=staff.pk)
        for key, value in PROBE.items()
    }
    prefixed = {f"company-{key}": value for key, value in values.items()}
    return {**values, **prefixed, **data}


def test_mass_assignment_probe_changes_nothing_on_any_portal_form(client, signed_in, foreign):
    """Post owner, customer, status and staff flags to every portal form: none of them stick."""
    staff = StaffFactory()
    own = signed_in.customer
    colleague = ContactFactory(customer=own, is_primary=False, email="colleague@own.test")
    forms = [
        (reverse("portal:profile"), {"own": "1", "first_name": "Omar"}),
        (
            reverse("portal:profile"),
            {"company": "1", "company-email": "info@own.test", "company-name": "Renamed"},
        ),
        (reverse("portal:contact-create"), {"first_name": "New", "email": "new@own.test"}),
        (
            reverse("portal:contact-update", args=[colleague.pk]),
            {"first_name": "Col", "email": "colleague@own.test"},
        ),
    ]
    for url, data in forms:
        response = client.post(url, _probe(data, foreign["customer"], staff))
        assert response.status_code in (200, 302, 400), url

    user = get_user_model().objects.get(pk=signed_in.user_id)
    assert (user.is_staff, user.is_superuser, user.role, user.is_active) == (
        False,
        False,
        "portal",
        True,
    )
    own.refresh_from_db()
    assert (own.name, own.number, own.is_active) == ("Own Company", own.number, True)
    assert own.number != "CUS-999999"
    assert own.email == "info@own.test"  # the legitimate field did change
    assert Contact.objects.filter(customer=foreign["customer"]).count() == 1
    assert Contact.objects.filter(customer=own, is_primary=True).get() == signed_in
    assert Contact.objects.get(email="new@own.test").customer == own
    assert Contact.objects.get(email="new@own.test").user is None
    colleague.refresh_from_db()
    assert colleague.customer == own and not colleague.is_primary and colleague.user is None


def test_mass_assignment_probe_on_the_invitation_form(client):
    staff = StaffFactory()
    customer = CustomerFactory()
    other = CustomerFactory()
    invitation = invite_to_portal(customer=customer, by=staff, first_name="Mona", email="m@x.test")
    url = reverse("portal:invitation-accept", args=[invitation_token(invitation)])
    password = "a-long-new-password-42"
    client.post(url, _probe({"password1": password, "password2": password}, other, staff))
    user = get_user_model().objects.get(email="m@x.test")
    assert (user.is_staff, user.is_superuser, user.role) == (False, False, "portal")
    assert user.contact.customer == customer


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_another_customers_portal_user_cannot_open_an_office_file(client, signed_in, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    response = client.get(url)
    assert response.status_code == 404  # the file's existence is not confirmed
    assert PDF not in response.content


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_the_customers_own_portal_user_cannot_open_its_office_file(client, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    own = PortalContactFactory(customer=foreign["customer"], is_primary=False)
    set_portal_access(contact=own, by=None, areas=Area.values)
    client.force_login(own.user)
    response = client.get(url)
    assert response.status_code == 404
    assert PDF not in response.content


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_an_anonymous_visitor_is_sent_to_sign_in_for_an_office_file(client, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.usefixtures("_media")
@pytest.mark.parametrize("name", sorted(OFFICE_FILES))
def test_staff_open_an_office_file_as_an_unsniffed_attachment(client, foreign, name):
    url = reverse(name, kwargs=OFFICE_FILES[name](foreign))
    client.force_login(StaffFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
