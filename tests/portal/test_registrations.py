"""Self-signup through the portal, and its review in the back-office (issue 4, items 2 and 3)."""

import hashlib
import re
import threading

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from customers.models import ActivityEntry, Customer, CustomerDocument, CustomerGroup
from notifications.models import OutboundEmail
from portal.access import areas_of, has_area
from portal.models import Area, RegistrationRequest
from portal.services.access import PortalError
from portal.services.registrations import (
    approve_registration,
    possible_duplicates,
    reject_registration,
    submit_registration,
)
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    CustomerGroupFactory,
    PortalContactFactory,
    StaffFactory,
    UserFactory,
)
from tests.portal.factories import PDF, RegistrationFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/portal/signup/"


@pytest.fixture(autouse=True)
def _media_and_site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://lumytic.test"
    settings.LANGUAGE_CODE = "en"


def form_data(**overrides) -> dict:
    """A complete signup as the browser posts it, shipping different from billing."""
    data = {
        "company_name": "Falcon Logistics FZE",
        "website": "falcon.example",
        "country": "AE",
        "first_name": "Karim",
        "last_name": "Nasser",
        "email": "Karim@Falcon.example",
        "phone": "+971 4 234 5678",
        "address": "Warehouse 7, Jebel Ali Free Zone",
        "billing_first_name": "Karim",
        "billing_last_name": "Nasser",
        "billing_commercial_name": "Falcon Logistics",
        "billing_foundation_name": "Falcon Holding",
        "billing_email": "billing@falcon.example",
        "billing_country": "AE",
        "billing_state": "Dubai",
        "billing_city": "Dubai",
        "billing_street": "Sheikh Zayed Road 1",
        "billing_postal_code": "00000",
        "shipping_first_name": "Omar",
        "shipping_last_name": "Saleh",
        "shipping_commercial_name": "Falcon Warehouse",
        "shipping_foundation_name": "",
        "shipping_email": "warehouse@falcon.example",
        "shipping_country": "SA",
        "shipping_state": "Riyadh Province",
        "shipping_city": "Riyadh",
        "shipping_street": "King Fahd Road 9",
        "shipping_postal_code": "11564",
        "cr_number": "CR-778899",
        "tax_id": "TRN-100200300",
        "cr_file": SimpleUploadedFile("registration.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def emails(event: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event=event).order_by("to_email"))


def link_in(email: OutboundEmail) -> str:
    """The path of the button link in an email's text part."""
    match = re.search(r"https://lumytic\.test(/\S+)", email.body_text)
    assert match, email.body_text
    return match.group(1)


# --- Signup ---------------------------------------------------------------------------------


def test_the_portal_login_page_links_to_signup(client):
    page = client.get(reverse("portal:login")).content.decode()
    assert f'href="{reverse("portal:signup")}"' in page
    assert "Sign up" in page


def test_the_signup_page_shows_every_section(client):
    response = client.get(reverse("portal:signup"))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["Company information", "Billing details", "Shipping details", "(CR) number"]:
        assert text in page
    assert 'name="shipping_same_as_billing"' in page
    assert 'name="cr_file"' in page and 'accept="application/pdf' in page


def test_signup_stores_a_pending_request_with_every_field(client):
    response = client.post(SIGNUP, form_data(), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:signup-done")
    registration = RegistrationRequest.objects.get()
    assert registration.status == RegistrationRequest.Status.PENDING
    assert registration.company_name == "Falcon Logistics FZE"
    assert registration.website == "https://falcon.example"
    assert registration.country.code == "AE"
    assert (registration.first_name, registration.last_name) == ("Karim", "Nasser")
    assert registration.email == "karim@falcon.example"
    assert str(registration.phone) == "+97142345678"
    assert registration.address == "Warehouse 7, Jebel Ali Free Zone"
    assert registration.billing_commercial_name == "Falcon Logistics"
    assert registration.billing_foundation_name == "Falcon Holding"
    assert registration.billing_email == "billing@falcon.example"
    assert registration.billing_country.code == "AE"
    assert (registration.billing_state, registration.billing_city) == ("Dubai", "Dubai")
    assert registration.billing_street == "Sheikh Zayed Road 1"
    assert registration.billing_postal_code == "00000"
    assert registration.shipping_same_as_billing is False
    assert (registration.shipping_first_name, registration.shipping_last_name) == ("Omar", "Saleh")
    assert registration.shipping_commercial_name == "Falcon Warehouse"
    assert registration.shipping_email == "warehouse@falcon.example"
    assert registration.shipping_country.code == "SA"
    assert registration.shipping_city == "Riyadh"
    assert registration.shipping_street == "King Fahd Road 9"
    assert registration.shipping_postal_code == "11564"
    assert registration.cr_number == "CR-778899"
    assert registration.tax_id == "TRN-100200300"
    assert registration.language == "fr"
    assert registration.customer is None and registration.decided_by is None
    # Stored under a generated name, never the applicant's.
    assert "registration.pdf" not in registration.cr_file.name
    assert registration.cr_file.read() == PDF

    done = client.get(response["Location"]).content.decode()
    assert "What happens next" in done
    assert "karim@falcon.example" in done


def test_signup_tells_the_sales_team_with_a_link_to_the_request(client):
    lina = StaffFactory(email="lina@lumytic.test", sales_notifications=True)
    StaffFactory(email="sam@lumytic.test", sales_notifications=True)
    StaffFactory(email="quiet@lumytic.test", sales_notifications=False)
    StaffFactory(email="gone@lumytic.test", sales_notifications=True, is_active=False)

    client.post(SIGNUP, form_data())

    registration = RegistrationRequest.objects.get()
    received = emails("registration_received")
    assert [e.to_email for e in received] == ["lina@lumytic.test", "sam@lumytic.test"]
    email = received[0]
    assert email.subject == "New registration request: Falcon Logistics FZE"
    assert email.from_email.startswith("LUMYTIC | Customer Portal")
    for detail in [
        "Company: Falcon Logistics FZE",
        "Country: United Arab Emirates",
        "Contact: Karim Nasser <karim@falcon.example>",
        "Address: Warehouse 7, Jebel Ali Free Zone",
        "Phone: +971 4 234 5678",
    ]:
        assert detail in email.body_text
    assert "Review request" in email.body_html

    path = link_in(email)
    assert path == reverse("portal_office:registration-detail", args=[registration.pk])
    assert resolve(path).url_name == "registration-detail"
    client.force_login(lina)
    page = client.get(path)
    assert page.status_code == 200
    assert "Falcon Logistics FZE" in page.content.decode()


def test_signup_welcomes_the_applicant_in_their_language_without_a_button(client):
    client.post(SIGNUP, form_data(), HTTP_ACCEPT_LANGUAGE="fr")

    (welcome,) = emails("registration_welcome")
    assert welcome.to_email == "karim@falcon.example"
    assert welcome.to_name == "Karim Nasser"
    assert welcome.language == "fr"
    assert "Lumytic" in welcome.body_text
    assert "https://lumytic.test/" not in welcome.body_text.split("--")[0]  # no button link


def test_signup_emails_are_delivered_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    StaffFactory(email="lina@lumytic.test", sales_notifications=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, form_data())
    assert sorted(m.to[0] for m in mailoutbox) == ["karim@falcon.example", "lina@lumytic.test"]


def test_signup_with_same_as_billing_ignores_and_clears_shipping_fields(client):
    data = form_data(shipping_same_as_billing="on", shipping_email="not-an-email")
    data.pop("shipping_city")

    response = client.post(SIGNUP, data)

    assert response.status_code == 302
    registration = RegistrationRequest.objects.get()
    assert registration.shipping_same_as_billing is True
    assert registration.shipping_email == "" and registration.shipping_first_name == ""


def test_signup_without_same_as_billing_requires_the_shipping_fields(client):
    data = form_data(shipping_first_name="", shipping_commercial_name="", shipping_email="")

    response = client.post(SIGNUP, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Required when shipping differs from billing.") == 3
    assert not RegistrationRequest.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_signup_with_missing_required_fields_is_a_400_with_messages(client):
    response = client.post(SIGNUP, {"company_name": "", "email": "nope"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please correct the errors below." in page
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert not RegistrationRequest.objects.exists()


def test_a_cr_file_that_is_text_named_pdf_is_refused(client):
    fake = SimpleUploadedFile(
        "cr.pdf", b"just some text, not a PDF", content_type="application/pdf"
    )

    response = client.post(SIGNUP, form_data(cr_file=fake))

    assert response.status_code == 400
    assert "This file is not an accepted type. Upload PDF, PNG, JPEG." in response.content.decode()
    assert not RegistrationRequest.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_cr_file_over_5_mb_is_refused(client):
    big = SimpleUploadedFile(
        "cr.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )

    response = client.post(SIGNUP, form_data(cr_file=big))

    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_a_png_cr_file_is_accepted(client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
    response = client.post(SIGNUP, form_data(cr_file=SimpleUploadedFile("cr.png", png)))
    assert response.status_code == 302
    assert RegistrationRequest.objects.get().cr_file.name.endswith(".png")


def test_a_filled_honeypot_pretends_success_but_stores_nothing(client):
    StaffFactory(sales_notifications=True)

    response = client.post(SIGNUP, form_data(fax_extension="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:signup-done")
    assert not RegistrationRequest.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_signups_are_rate_limited_with_a_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "portal_signup": "2/h/ip"}
    for n in range(2):
        ok = client.post(SIGNUP, form_data(email=f"a{n}@falcon.example"))
        assert ok.status_code == 302

    response = client.post(SIGNUP, form_data(email="third@falcon.example"))

    assert response.status_code == 429
    assert "Too many sign-up attempts" in response.content.decode()
    assert RegistrationRequest.objects.count() == 2


def test_an_email_that_already_signs_in_cannot_sign_up(client):
    UserFactory(email="karim@falcon.example", role="portal")

    response = client.post(SIGNUP, form_data(email="KARIM@falcon.example"))

    assert response.status_code == 400
    assert "already has a portal login" in response.content.decode()
    assert not RegistrationRequest.objects.exists()


def test_an_email_with_a_pending_request_cannot_sign_up_again(client):
    RegistrationFactory(email="karim@falcon.example")

    response = client.post(SIGNUP, form_data())

    assert response.status_code == 400
    assert "already waiting for review" in response.content.decode()
    assert RegistrationRequest.objects.count() == 1


def test_an_applicant_rejected_before_may_apply_again(client):
    RegistrationFactory(
        email="karim@falcon.example", status=RegistrationRequest.Status.REJECTED, reason="No CR"
    )
    assert client.post(SIGNUP, form_data()).status_code == 302
    assert RegistrationRequest.objects.filter(status="pending").count() == 1


def test_the_service_refuses_a_second_pending_request_for_the_same_email():
    """The form checks first; the service checks again for a request that slipped in since."""
    RegistrationFactory(email="karim@falcon.example")
    data = {k: v for k, v in form_data().items() if k != "website"}
    with pytest.raises(PortalError):
        submit_registration(language="en", **data)


def test_posting_decision_or_staff_fields_changes_nothing(client):
    """Mass assignment: only the applicant's own fields are read from the form."""
    staff = StaffFactory()
    customer = CustomerFactory()
    data = form_data(
        status="approved",
        customer=str(customer.pk),
        decided_by=str(staff.pk),
        decided_at="2020-01-01 00:00",
        reason="approved by myself",
        language="xx",
        is_staff="on",
        role="staff",
    )

    assert client.post(SIGNUP, data).status_code == 302

    registration = RegistrationRequest.objects.get()
    assert registration.status == RegistrationRequest.Status.PENDING
    assert registration.customer is None
    assert registration.decided_by is None and registration.decided_at is None
    assert registration.reason == ""
    assert registration.language == "en"


# --- Review: list and detail ----------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Haddad")
    client.force_login(user)
    return user


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_list_shows_pending_requests_by_default_and_filters_by_status(client, staff):
    RegistrationFactory(company_name="Waiting Co")
    RegistrationFactory(company_name="Refused Co", status="rejected", reason="Incomplete")
    url = reverse("portal_office:registration-list")

    page = client.get(url).content.decode()
    assert "Waiting Co" in page and "Refused Co" not in page

    page = client.get(url, {"status": "rejected"}).content.decode()
    assert "Refused Co" in page and "Waiting Co" not in page

    page = client.get(url, {"status": "all"}).content.decode()
    assert "Refused Co" in page and "Waiting Co" in page

    page = client.get(url, {"status": "bogus"}).content.decode()
    assert "Waiting Co" in page and "Refused Co" not in page


def test_the_list_searches_company_and_email(client, staff):
    RegistrationFactory(company_name="Falcon Logistics", email="karim@falcon.example")
    RegistrationFactory(company_name="Nile Valley", email="info@nile.example")
    url = reverse("portal_office:registration-list")
    for query in ["falcon", "karim@"]:
        page = client.get(url, {"q": query}).content.decode()
        assert "Falcon Logistics" in page and "Nile Valley" not in page
    assert "No request matches" in client.get(url, {"q": "zzz"}).content.decode()


def test_the_list_paginates(client, staff):
    RegistrationFactory.create_batch(30)
    url = reverse("portal_office:registration-list")
    first = client.get(url)
    assert len(first.context["object_list"]) == 25
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 5


def test_the_list_runs_the_same_queries_for_5_and_50_requests(client, staff):
    url = reverse("portal_office:registration-list")
    decided_by = StaffFactory()
    RegistrationFactory.create_batch(5)
    RegistrationFactory.create_batch(
        2, status="approved", decided_by=decided_by, customer=CustomerFactory()
    )
    few = _queries(client, url + "?status=all")
    RegistrationFactory.create_batch(45)
    RegistrationFactory.create_batch(
        3, status="approved", decided_by=StaffFactory(), customer=CustomerFactory()
    )
    many = _queries(client, url + "?status=all")
    assert few == many


def test_the_office_sidebar_links_to_registrations(client, staff):
    page = client.get(reverse("office:dashboard")).content.decode()
    assert f'href="{reverse("portal_office:registration-list")}"' in page
    assert "Registrations" in page


def test_the_sidebar_badge_counts_the_pending_requests(client, staff):
    RegistrationFactory.create_batch(3)
    RegistrationFactory(status="approved", decided_by=staff, customer=CustomerFactory())
    RegistrationFactory(status="rejected", reason="Incomplete")

    page = client.get(reverse("customers:customer-list")).content.decode()

    badge = re.search(r'<span class="[^"]*needs-action" data-key="registrations"[^>]*>(\d+)<', page)
    assert badge and badge.group(1) == "3"
    assert "registration requests awaiting review" in page


def test_no_pending_request_means_no_registrations_badge(client, staff):
    RegistrationFactory(status="rejected", reason="Incomplete")
    page = client.get(reverse("customers:customer-list")).content.decode()
    assert 'data-key="registrations"' not in page


def test_an_office_page_runs_the_same_queries_for_1_and_30_pending_requests(client, staff):
    url = reverse("office:dashboard")
    RegistrationFactory()
    few = _queries(client, url)
    RegistrationFactory.create_batch(29)
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert re.search(r'data-key="registrations"[^>]*>30<', page)


def test_the_request_page_shows_all_data_and_possible_duplicates(client, staff):
    registration = RegistrationFactory(
        company_name="Falcon Logistics",
        email="karim@falcon.example",
        cr_number="CR-1",
        tax_id="TRN-9",
        shipping_same_as_billing=False,
        shipping_city="Riyadh",
    )
    by_email = CustomerFactory(name="Same Email Co", email="KARIM@falcon.example")
    by_contact = CustomerFactory(name="Contact Email Co")
    ContactFactory(customer=by_contact, email="karim@falcon.example")
    by_cr = CustomerFactory(name="Same CR Co", cr_number="cr-1")
    by_tax = CustomerFactory(name="Same Tax Co", tax_id="TRN-9")
    CustomerFactory(name="Unrelated Co", cr_number="CR-2", tax_id="")

    page = client.get(
        reverse("portal_office:registration-detail", args=[registration.pk])
    ).content.decode()

    for text in ["Falcon Logistics", "karim@falcon.example", "Al Khaleej St 4", "Riyadh", "CR-1"]:
        assert text in page
    for customer in [by_email, by_contact, by_cr, by_tax]:
        assert customer.get_absolute_url() in page
    assert "Unrelated Co" not in page
    assert reverse("portal_office:registration-cr-file", args=[registration.pk]) in page
    found = {c.name: c for c in possible_duplicates(registration=registration)}
    assert found.keys() == {"Same Email Co", "Contact Email Co", "Same CR Co", "Same Tax Co"}
    assert found["Contact Email Co"].same_email and found["Same CR Co"].same_cr
    assert found["Same Tax Co"].same_tax_id and not found["Same Tax Co"].same_email


def test_a_request_without_tax_id_matches_no_customer_on_an_empty_tax_id(client, staff):
    registration = RegistrationFactory(tax_id="")
    CustomerFactory(tax_id="")
    assert list(possible_duplicates(registration=registration)) == []


def test_the_approval_form_offers_active_staff_and_preselects_the_reviewer_and_default_group(
    client, staff
):
    registration = RegistrationFactory()
    colleague = StaffFactory(first_name="Samir", last_name="Aziz")
    StaffFactory(first_name="Gone", last_name="Away", is_active=False)
    PortalContactFactory(first_name="Portal", last_name="Person", customer__advisor=colleague)
    default = CustomerGroup.default()
    CustomerGroupFactory(name="Resellers")

    response = client.get(reverse("portal_office:registration-detail", args=[registration.pk]))

    form = response.context["approve_form"]
    assert set(form.fields["advisor"].queryset) == {staff, colleague}
    page = response.content.decode()
    advisor = re.search(r'<select name="advisor".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{staff.pk}" selected>Lina Haddad', advisor)
    assert "Samir Aziz" in advisor and "Gone Away" not in advisor and "Portal" not in advisor
    group = re.search(r'<select name="group".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{default.pk}" selected>{default.name}', group)
    assert "Resellers" in group


def test_a_decided_request_shows_no_approval_form(client, staff):
    registration = RegistrationFactory(status="rejected", reason="No")
    page = client.get(reverse("portal_office:registration-detail", args=[registration.pk]))
    assert 'name="advisor"' not in page.content.decode()


def test_an_unknown_request_is_a_404(client, staff):
    assert client.get(reverse("portal_office:registration-detail", args=[999])).status_code == 404


def test_the_cr_file_downloads_as_an_attachment_for_staff(client, staff):
    registration = RegistrationFactory(company_name="Falcon Logistics")

    response = client.get(reverse("portal_office:registration-cr-file", args=[registration.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="CR-falcon-logistics.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_the_cr_file_is_typed_and_named_by_its_content_not_its_stored_name(client, staff):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
    registration = RegistrationFactory(
        company_name="Falcon Logistics",
        cr_file=factory.django.FileField(filename="scan.pdf", data=png),
    )
    assert registration.cr_file.name.endswith(".pdf")

    response = client.get(reverse("portal_office:registration-cr-file", args=[registration.pk]))

    assert response["Content-Type"] == "image/png"
    assert 'filename="CR-falcon-logistics.png"' in response["Content-Disposition"]


def test_a_cr_file_missing_from_storage_is_a_404(client, staff):
    registration = RegistrationFactory()
    registration.cr_file.storage.delete(registration.cr_file.name)
    url = reverse("portal_office:registration-cr-file", args=[registration.pk])
    assert client.get(url).status_code == 404


def test_portal_users_are_refused_every_office_page(client):
    """403 on the pages; the CR file is 404, so its existence is not confirmed."""
    registration = RegistrationFactory()
    client.force_login(PortalContactFactory().user)
    pk = registration.pk
    for name, method in [
        ("registration-list", "get"),
        ("registration-detail", "get"),
        ("registration-cr-file", "get"),
        ("registration-approve", "post"),
        ("registration-reject", "post"),
    ]:
        args = [] if name == "registration-list" else [pk]
        response = getattr(client, method)(reverse(f"portal_office:{name}", args=args))
        assert response.status_code == (404 if name == "registration-cr-file" else 403), name
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    registration = RegistrationFactory()
    for url in [
        reverse("portal_office:registration-list"),
        reverse("portal_office:registration-detail", args=[registration.pk]),
        reverse("portal_office:registration-cr-file", args=[registration.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


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


# --- Admin ----------------------------------------------------------------------------------


def test_the_admin_lists_registrations_access_and_invitations(client):
    admin = UserFactory(role="staff", is_staff=True, is_superuser=True)
    client.force_login(admin)
    registration = RegistrationFactory(company_name="Falcon Logistics")
    PortalContactFactory()
    for name in ["registrationrequest", "portalaccess", "invitation"]:
        response = client.get(reverse(f"admin:portal_{name}_changelist"), {"q": "a"})
        assert response.status_code == 200, name
    page = client.get(reverse("admin:portal_registrationrequest_changelist")).content.decode()
    assert "Falcon Logistics" in page
    change = client.get(reverse("admin:portal_registrationrequest_change", args=[registration.pk]))
    assert change.status_code == 200
    assert 'name="status"' not in change.content.decode()  # decisions are read-only
    filtered = client.get(
        reverse("admin:portal_registrationrequest_changelist"), {"status__exact": "pending"}
    )
    assert filtered.status_code == 200


def test_the_database_holds_one_pending_request_per_email():
    """Two signups racing past the service's check still can't both stay pending."""
    RegistrationFactory(email="karim@falcon.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(email="karim@falcon.example")
    RegistrationFactory(email="karim@falcon.example", status="rejected", reason="Old")
