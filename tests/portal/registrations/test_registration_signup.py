"""Self-signup through the portal: the form, its checks and refusals, the emails
(issue 4, item 2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from notifications.models import OutboundEmail
from portal.models import RegistrationRequest
from portal.services.access import PortalError
from portal.services.registrations import (
    submit_registration,
)
from tests.factories import (
    CustomerFactory,
    StaffFactory,
    UserFactory,
)
from tests.portal.factories import PDF, RegistrationFactory
from tests.portal.signup import SIGNUP, emails, form_data, link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signup_site")]


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
