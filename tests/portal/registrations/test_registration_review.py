"""The back-office review of self-signups: the list and the request page; the admin; one pending
request per email (issue 4, item 3)."""

import re

import factory
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import CustomerGroup
from portal.services.registrations import (
    possible_duplicates,
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

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signup_site")]


# --- Review: list and detail ----------------------------------------------------------------


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
