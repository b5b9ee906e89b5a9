"""Approving or rejecting a self-signup in the back-office: the customer, contact and login it
makes, the emails and the refusals (issue 4, item 3)."""

import hashlib
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from customers.models import ActivityEntry, Customer, CustomerDocument, CustomerGroup
from notifications.models import OutboundEmail
from portal.access import areas_of, has_area
from portal.models import Area
from portal.services.access import PortalError
from portal.services.registrations import (
    approve_registration,
    reject_registration,
)
from tests.factories import (
    CustomerGroupFactory,
    PortalContactFactory,
    StaffFactory,
)
from tests.portal.factories import PDF, RegistrationFactory
from tests.portal.signup import emails

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signup_site")]


# --- Review: decisions ----------------------------------------------------------------------


def approval(advisor, group=None) -> dict:
    """The approval form as the browser posts it."""
    return {"advisor": advisor.pk, "group": (group or CustomerGroup.default()).pk}


def test_approving_creates_the_customer_contact_and_portal_login_with_every_area(client, staff):
    registration = RegistrationFactory(
        company_name="Falcon Logistics",
        website="https://falcon.example",
        email="karim@falcon.example",
        first_name="Karim",
        last_name="Nasser",
        billing_foundation_name="Falcon Holding",
        billing_postal_code="00000",
        shipping_same_as_billing=False,
        shipping_first_name="Omar",
        shipping_last_name="Saleh",
        shipping_commercial_name="Falcon Warehouse",
        shipping_email="warehouse@falcon.example",
        shipping_country="SA",
        shipping_city="Riyadh",
        shipping_street="King Fahd Road 9",
        cr_number="CR-778899",
        tax_id="TRN-1",
        language="fr",
    )

    response = client.post(
        reverse("portal_office:registration-approve", args=[registration.pk]), approval(staff)
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    customer = registration.customer
    assert registration.status == "approved"
    assert registration.decided_by == staff and registration.decided_at is not None
    assert customer.number.startswith("CUS-")
    assert customer.name == "Falcon Logistics" and customer.email == "karim@falcon.example"
    assert customer.website == "https://falcon.example" and customer.country.code == "AE"
    assert str(customer.phone) == "+97142345678"
    assert customer.address == "Office 12, Business Bay, Dubai"
    assert customer.billing_commercial_name == "Falcon Logistics"
    assert customer.billing_foundation_name == "Falcon Holding"
    assert customer.billing_postal_code == "00000"
    assert customer.shipping_same_as_billing is False
    assert customer.shipping_commercial_name == "Falcon Warehouse"
    assert customer.shipping_country.code == "SA" and customer.shipping_city == "Riyadh"
    assert customer.cr_number == "CR-778899" and customer.tax_id == "TRN-1"
    assert customer.advisor == staff and customer.group == CustomerGroup.default()
    (cr,) = customer.documents.all()
    assert (cr.kind, cr.version, cr.uploaded_by) == ("cr", 1, staff)
    assert cr.file.read() == PDF and cr.size == len(PDF)
    assert cr.sha256 == hashlib.sha256(PDF).hexdigest()
    assert cr.file.name != registration.cr_file.name  # a copy: the request keeps its own

    contact = customer.contacts.get()
    assert contact.is_primary and contact.email == "karim@falcon.example"
    assert (contact.first_name, contact.last_name) == ("Karim", "Nasser")
    user = contact.user
    assert user.role == "portal" and user.is_active and not user.is_staff
    assert user.language == "fr"
    (approved,) = emails("registration_approved")
    assert approved.language == "fr"  # the approval email itself is in the applicant's language
    assert not user.has_usable_password()  # no password exists that an email could carry
    assert areas_of(user) == list(Area.values)
    assert has_area(user, Area.CONTACTS)
    assert ActivityEntry.objects.filter(customer=customer, verb="registration approved").exists()

    page = client.get(response["Location"]).content.decode()
    assert "is approved" in page and customer.get_absolute_url() in page


def test_approving_assigns_the_advisor_and_group_staff_chose(client, staff):
    registration = RegistrationFactory()
    colleague = StaffFactory()
    resellers = CustomerGroupFactory(name="Resellers")

    response = client.post(
        reverse("portal_office:registration-approve", args=[registration.pk]),
        approval(colleague, resellers),
    )

    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.advisor == colleague and customer.group == resellers
    registration.refresh_from_db()
    assert registration.decided_by == staff  # the reviewer decided; the colleague advises


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("inactive staff", "Choose an active staff member as the advisor."),
        ("portal user", "Choose an active staff member as the advisor."),
        ("no advisor", "Choose an active staff member as the advisor."),
        ("unknown group", "Choose one of the customer groups."),
    ],
)
def test_approving_with_a_bad_advisor_or_group_is_a_400_and_writes_nothing(
    client, staff, case, message
):
    registration = RegistrationFactory()
    data = approval(staff)
    if case == "inactive staff":
        data["advisor"] = StaffFactory(is_active=False).pk
    elif case == "portal user":
        data["advisor"] = PortalContactFactory().user_id
    elif case == "no advisor":
        del data["advisor"]
    else:
        data["group"] = 999_999
    customers = Customer.objects.count()

    response = client.post(
        reverse("portal_office:registration-approve", args=[registration.pk]), data
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending" and registration.customer is None
    assert Customer.objects.count() == customers
    assert not CustomerDocument.objects.exists()
    assert not OutboundEmail.objects.filter(event="registration_approved").exists()


def test_the_service_refuses_an_advisor_who_is_no_longer_active_staff():
    registration = RegistrationFactory()
    advisor = StaffFactory()
    type(advisor).objects.filter(pk=advisor.pk).update(is_active=False)  # left meanwhile

    with pytest.raises(PortalError, match="active staff member"):
        approve_registration(
            registration=registration,
            by=StaffFactory(),
            advisor=advisor,
            group=CustomerGroup.default(),
        )

    registration.refresh_from_db()
    assert registration.status == "pending" and not Customer.objects.exists()


def test_a_cr_file_gone_from_storage_at_approval_is_a_409_and_writes_nothing(client, staff):
    registration = RegistrationFactory()
    registration.cr_file.storage.delete(registration.cr_file.name)

    response = client.post(
        reverse("portal_office:registration-approve", args=[registration.pk]), approval(staff)
    )

    assert response.status_code == 409
    assert "CR document is missing from the storage" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending" and not Customer.objects.exists()


def test_the_approved_cr_document_opens_from_the_customer_page(client, staff):
    registration = RegistrationFactory(company_name="Falcon Logistics")
    client.post(
        reverse("portal_office:registration-approve", args=[registration.pk]), approval(staff)
    )
    customer = Customer.objects.get()
    document = customer.documents.get()

    page = client.get(customer.get_absolute_url()).content.decode()
    url = reverse("customers:customer-document-file", args=[customer.pk, document.pk])
    assert url in page and document.sha256[:12] in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="CR-{customer.number}-v1.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_approving_emails_the_username_and_a_set_password_link_that_signs_in(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(
        company_name="Falcon Logistics", email="karim@falcon.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal_office:registration-approve", args=[registration.pk]), approval(staff)
        )

    (email,) = emails("registration_approved")
    assert email.to_email == "karim@falcon.example"
    assert "Username: karim@falcon.example" in email.body_text
    assert "Sign In" in email.body_html
    assert not re.search(r"password\s*:", email.body_text, re.IGNORECASE)
    # The Outbox keeps a note; the working link is only in the message that was sent.
    assert "Sign In: [set-password link sent; not stored]" in email.body_text
    (sent,) = [
        m for m in mailoutbox if m.to == ["karim@falcon.example"] and m.subject == email.subject
    ]
    match = re.search(r"https://lumytic\.test(/\S+)", sent.body)
    assert match, sent.body
    link = match.group(1)
    assert link.startswith("/accounts/password/reset/key/")

    client.logout()
    response = client.get(link)
    assert response.status_code == 302
    set_password = response["Location"]
    assert client.get(set_password).status_code == 200
    new_password = "a-Brand-new-pass-42"
    response = client.post(set_password, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Falcon Logistics" in home.content.decode()
    assert home.wsgi_request.user.email == "karim@falcon.example"

    # The link is single use.
    client.logout()
    assert "set-password" not in client.get(link).get("Location", "")


def test_rejecting_requires_a_reason(client, staff):
    registration = RegistrationFactory()

    response = client.post(
        reverse("portal_office:registration-reject", args=[registration.pk]), {"reason": "  "}
    )

    assert response.status_code == 400
    assert "Give the applicant a reason" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending"
    assert not OutboundEmail.objects.filter(event="registration_rejected").exists()


def test_rejecting_emails_the_reason_to_the_applicant(client, staff):
    registration = RegistrationFactory(email="karim@falcon.example", language="fr")

    response = client.post(
        reverse("portal_office:registration-reject", args=[registration.pk]),
        {"reason": "We need a CR document that is still valid."},
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "rejected"
    assert registration.reason == "We need a CR document that is still valid."
    assert registration.decided_by == staff and registration.customer is None
    (email,) = emails("registration_rejected")
    assert email.to_email == "karim@falcon.example" and email.language == "fr"
    assert "We need a CR document that is still valid." in email.body_text
    assert not Customer.objects.exists()


def test_a_request_is_decided_only_once(client, staff):
    registration = RegistrationFactory()
    approve = reverse("portal_office:registration-approve", args=[registration.pk])
    reject = reverse("portal_office:registration-reject", args=[registration.pk])
    assert client.post(approve, approval(staff)).status_code == 302

    again = client.post(approve, approval(staff))
    assert again.status_code == 409
    assert "already approved; it can be decided only once" in again.content.decode()
    late_reject = client.post(reject, {"reason": "Too late"})
    assert late_reject.status_code == 409
    assert Customer.objects.count() == 1
    registration.refresh_from_db()
    assert registration.status == "approved" and registration.reason == ""
    assert len(emails("registration_approved")) == 1
    assert not emails("registration_rejected")


def test_the_services_refuse_a_decided_request():
    registration = RegistrationFactory(status="rejected", reason="No")
    with pytest.raises(PortalError):
        approve_registration(
            registration=registration,
            by=StaffFactory(),
            advisor=StaffFactory(),
            group=CustomerGroup.default(),
        )
    with pytest.raises(PortalError):
        reject_registration(registration=registration, by=StaffFactory(), reason="Again")


def test_approving_when_the_email_got_a_login_meanwhile_writes_nothing(client, staff):
    registration = RegistrationFactory(email="karim@falcon.example")
    PortalContactFactory(email="karim@falcon.example")
    customers = Customer.objects.count()

    response = client.post(
        reverse("portal_office:registration-approve", args=[registration.pk]), approval(staff)
    )

    assert response.status_code == 409
    assert "Someone already signs in with karim@falcon.example" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending" and registration.customer is None
    assert Customer.objects.count() == customers
    assert not OutboundEmail.objects.exists()


def test_decisions_only_accept_post(client, staff):
    registration = RegistrationFactory()
    url = reverse("portal_office:registration-approve", args=[registration.pk])
    assert client.get(url).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_create_one_customer():
    """The row lock makes the second approval wait, then find the request decided."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL")
    registration = RegistrationFactory()
    staff = [StaffFactory(), StaffFactory()]
    group = CustomerGroup.default()
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user):
        from django.db import connections

        try:
            barrier.wait()
            approve_registration(registration=registration, by=user, advisor=user, group=group)
            outcomes.append("approved")
        except PortalError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "refused"]
    assert Customer.objects.count() == 1
