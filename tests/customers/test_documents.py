"""A customer's CR document: versions kept with their fingerprint, the card, the download."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import CUSTOMER_DOCUMENT_MAX_BYTES, ActivityEntry, CustomerDocument
from customers.services import CustomerError, add_customer_document, update_customer
from tests.customers.helpers import CREATE, form_data
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
CR = CustomerDocument.Kind.CR


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _add(customer, content=PDF, name="cr.pdf", by=None) -> CustomerDocument:
    return add_customer_document(
        customer=customer, kind=CR, file=ContentFile(content, name=name), by=by
    )


# --- The service ----------------------------------------------------------------------------


def test_each_upload_is_the_next_version_with_its_size_sha256_and_uploader():
    customer = CustomerFactory()
    staff = StaffFactory()

    first = _add(customer, by=staff)
    second = _add(customer, PNG, name="renewed.png", by=staff)

    assert (first.version, second.version) == (1, 2)
    assert (first.size, first.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert (second.size, second.sha256) == (len(PNG), hashlib.sha256(PNG).hexdigest())
    assert second.uploaded_by == staff and second.original_name == "renewed.png"
    assert first.file.read() == PDF  # the earlier version stays as it was
    assert list(customer.documents.all()) == [second, first]  # newest first


def test_versions_are_counted_per_customer():
    one, other = CustomerFactory(), CustomerFactory()
    _add(one)
    _add(one)
    assert _add(other).version == 1


def test_the_content_decides_the_stored_extension_never_the_file_name():
    document = _add(CustomerFactory(), PNG, name="scan.pdf")
    assert document.file.name.endswith(".png") and "scan" not in document.file.name
    # The shown name carries the real extension too (issue 15).
    assert document.original_name == "scan.png"


def test_the_file_name_shown_has_no_folders_or_control_characters():
    document = _add(CustomerFactory(), name="../../etc/\x00cr.pdf")
    assert document.original_name == "cr.pdf"


def test_adding_a_version_is_on_the_customers_timeline():
    customer = CustomerFactory()
    staff = StaffFactory()
    document = _add(customer, by=staff)

    entry = ActivityEntry.objects.get(customer=customer, verb="document added")
    assert entry.actor == staff
    assert entry.details["version"] == 1 and entry.details["sha256"] == document.sha256


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "not an accepted type"),
        (b"", "empty"),
        (b"%PDF-1.4\n" + b"0" * CUSTOMER_DOCUMENT_MAX_BYTES, "too large"),
    ],
)
def test_a_refused_file_raises_and_writes_nothing(content, message):
    customer = CustomerFactory()
    with pytest.raises(CustomerError, match=message):
        _add(customer, content)
    assert not CustomerDocument.objects.exists()
    assert not ActivityEntry.objects.filter(verb="document added").exists()


def test_an_unknown_kind_is_refused():
    with pytest.raises(CustomerError):
        add_customer_document(
            customer=CustomerFactory(), kind="passport", file=ContentFile(PDF, "x.pdf"), by=None
        )


def test_updating_a_customer_with_a_cr_document_adds_a_version():
    customer = CustomerFactory()
    _add(customer)
    update_customer(customer=customer, by=None, cr_document=ContentFile(PNG, "new.png"))
    assert [d.version for d in customer.documents.all()] == [2, 1]


# --- The customer form ----------------------------------------------------------------------


def test_creating_a_customer_with_a_cr_document_keeps_it_as_version_1(client, staff):
    upload = SimpleUploadedFile("cr.pdf", PDF, content_type="application/pdf")
    response = client.post(CREATE, form_data(cr_document=upload))

    assert response.status_code == 302
    (document,) = CustomerDocument.objects.all()
    assert (document.version, document.uploaded_by, document.size) == (1, staff, len(PDF))


def test_uploading_on_the_edit_form_adds_a_version_and_keeps_the_earlier_one(client, staff):
    customer = CustomerFactory(name="Acme Trading FZE")
    _add(customer)
    upload = SimpleUploadedFile("renewed.pdf", PDF + b"\n", content_type="application/pdf")

    response = client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        form_data(cr_document=upload),
    )

    assert response.status_code == 302
    assert [d.version for d in customer.documents.all()] == [2, 1]
    assert customer.documents.get(version=2).original_name == "renewed.pdf"


def test_editing_without_a_file_adds_no_version(client, staff):
    customer = CustomerFactory()
    _add(customer)
    client.post(reverse("customers:customer-update", args=[customer.pk]), form_data())
    assert customer.documents.count() == 1


def test_a_bad_file_on_the_form_is_a_400_next_to_the_field_and_nothing_is_saved(client, staff):
    customer = CustomerFactory(name="Old Name")
    upload = SimpleUploadedFile("cr.pdf", b"just text", content_type="application/pdf")

    response = client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        form_data(name="New Name", cr_document=upload),
    )

    assert response.status_code == 400
    assert "This file is not an accepted type. Upload PDF, PNG, JPEG." in response.content.decode()
    assert response.context["active_tab"] == "finance"
    customer.refresh_from_db()
    assert customer.name == "Old Name" and not customer.documents.exists()


# --- The customer page and the download -----------------------------------------------------


def test_the_summary_lists_every_version_with_uploader_date_size_and_sha256(client, staff):
    customer = CustomerFactory()
    uploader = StaffFactory(first_name="Samir", last_name="Aziz")
    first = _add(customer, name="original.pdf", by=uploader)
    second = _add(customer, PNG, name="renewed.png", by=uploader)

    page = client.get(customer.get_absolute_url()).content.decode()

    for document in (first, second):
        url = reverse("customers:customer-document-file", args=[customer.pk, document.pk])
        assert url in page
        assert document.sha256[:12] in page
    assert "original.pdf" in page and "renewed.png" in page
    assert "Samir Aziz" in page and "v2" in page and "v1" in page
    assert f"{len(PNG)}\xa0bytes" in page


def test_the_summary_says_when_there_is_no_cr_document(client, staff):
    page = client.get(CustomerFactory().get_absolute_url()).content.decode()
    assert "No CR document on file." in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_summary_runs_the_same_queries_for_1_and_12_versions(client, staff):
    customer = CustomerFactory()
    _add(customer, by=StaffFactory())
    few = _queries(client, customer.get_absolute_url())
    for _ in range(11):
        _add(customer, by=StaffFactory())
    assert _queries(client, customer.get_absolute_url()) == few


def test_staff_download_a_version_as_an_attachment_typed_by_content(client, staff):
    customer = CustomerFactory()
    _add(customer)
    document = _add(customer, PNG, name="renewed.png")

    response = client.get(
        reverse("customers:customer-document-file", args=[customer.pk, document.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="CR-{customer.number}-v2.png"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PNG


def test_a_document_under_another_customers_url_is_a_404(client, staff):
    document = _add(CustomerFactory())
    other = CustomerFactory()
    url = reverse("customers:customer-document-file", args=[other.pk, document.pk])
    assert client.get(url).status_code == 404


def test_a_document_missing_from_storage_is_a_404(client, staff):
    customer = CustomerFactory()
    document = _add(customer)
    document.file.storage.delete(document.file.name)
    url = reverse("customers:customer-document-file", args=[customer.pk, document.pk])
    assert client.get(url).status_code == 404


def test_portal_users_get_404_and_anonymous_visitors_sign_in(client):
    customer = CustomerFactory()
    document = _add(customer)
    url = reverse("customers:customer-document-file", args=[customer.pk, document.pk])

    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(PortalContactFactory(customer=customer).user)  # the customer's own user
    assert client.get(url).status_code == 404
