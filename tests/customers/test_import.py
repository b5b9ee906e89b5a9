"""The CSV import of customers: upload, preview, background run, report."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from customers import csvspec
from customers.models import ActivityEntry, Contact, Customer, CustomerGroup, CustomerImport, Tag
from customers.services import create_customer, importing
from tests.customers.helpers import IMPORT_HEADER, csv_text, import_csv, mapping_data, upload_csv
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def staff(client):
    user = StaffFactory(email="lina@lumytic.test")
    client.force_login(user)
    return user


def test_bad_lines_are_skipped_with_their_line_numbers_and_reasons(
    client, staff, django_capture_on_commit_callbacks
):
    StaffFactory(email="advisor@lumytic.test")
    content = csv_text(
        [
            IMPORT_HEADER,
            [
                "Acme Trading",
                "info@acme.test",
                "AE",
                "5",
                "advisor@lumytic.test",
                "+971 4 234 5678",
            ],
            ["Bad Mail", "not-an-email", "AE", "5", "", ""],
            ["Bad Country", "ok@country.test", "XX", "5", "", ""],
            ["", "noname@x.test", "AE", "5", "", ""],
            ["Bad Tax", "tax@x.test", "AE", "150", "", ""],
            ["Who Advises", "who@x.test", "AE", "5", "ghost@lumytic.test", ""],
            ["Nile Valley", "sales@nile.test", "eg", "14.5", "", "02 2345 6789"],
        ]
    )
    job = import_csv(client, content, django_capture_on_commit_callbacks)

    assert job.status == CustomerImport.Status.DONE
    assert [error["line"] for error in job.errors] == [3, 4, 5, 6, 7]
    reasons = {error["line"]: error["reason"] for error in job.errors}
    assert "“not-an-email” is not a valid email address" in reasons[3]
    assert "“XX” is not an ISO 3166 country code" in reasons[4]
    assert reasons[5] == "Company name is required."
    assert "“150” must be between 0 and 100" in reasons[6]
    assert "no active staff member has the email “ghost@lumytic.test”" in reasons[7]
    assert job.errors[0]["values"]["email"] == "not-an-email"
    assert (job.created_count, job.updated_count, job.skipped_count) == (2, 0, 5)
    assert job.total_lines == job.processed_lines == 7
    assert job.percent == 100

    acme = Customer.objects.get(name="Acme Trading")
    assert acme.advisor.email == "advisor@lumytic.test"
    assert str(acme.phone) == "+97142345678"
    assert acme.group == CustomerGroup.default()
    nile = Customer.objects.get(name="Nile Valley")
    assert nile.country.code == "EG"
    assert nile.tax_rate == Decimal("14.50")
    assert str(nile.phone) == "+20223456789"  # a local number read in the line's country

    page = client.get(reverse("customers:import-detail", args=[job.pk])).content.decode()
    assert "2</div>" in page and "not-an-email" in page and "ghost@lumytic.test" in page


def test_the_rejected_lines_download_as_csv_with_line_and_reason(
    client, staff, django_capture_on_commit_callbacks
):
    content = csv_text(
        [
            ["name", "email", "state"],
            ["Good Co", "good@x.test", "Dubai"],
            ["Formula Co", "bad email", "=cmd|' /C calc'!A0"],
            ["", "", "Nowhere"],
        ]
    )
    job = import_csv(client, content, django_capture_on_commit_callbacks)

    response = client.get(reverse("customers:import-rejected", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "email", "state", "line", "reason"]
    assert rows[1][:4] == ["Formula Co", "bad email", "'=cmd|' /C calc'!A0", "3"]
    assert "is not a valid email address" in rows[1][4]
    assert rows[2] == ["", "", "Nowhere", "4", "Company name is required."]
    assert len(rows) == 3


def test_duplicates_by_email_tax_id_and_cr_number_are_skipped_without_update(
    client, staff, django_capture_on_commit_callbacks
):
    existing = CustomerFactory(
        number="CUS-000900", email="Info@Acme.test", tax_id="TX-1", cr_number="CR 77"
    )
    content = csv_text(
        [
            ["name", "email", "tax_id", "cr_number"],
            ["Same Email", "info@acme.test", "", ""],
            ["Same Tax", "", "tx-1", ""],
            ["Same CR", "", "", "CR77"],
            ["New One", "new@x.test", "TX-2", ""],
            ["New Again", "NEW@x.test", "", ""],
        ]
    )
    job = import_csv(client, content, django_capture_on_commit_callbacks)

    reasons = {error["line"]: error["reason"] for error in job.errors}
    assert reasons == {
        2: "Duplicate of existing customer CUS-000900 (same email).",
        3: "Duplicate of existing customer CUS-000900 (same tax ID).",
        4: "Duplicate of existing customer CUS-000900 (same CR number).",
        6: "Duplicate of line 5 (same email).",
    }
    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 0, 4)
    existing.refresh_from_db()
    assert existing.name != "Same Email"


def test_update_existing_changes_the_matched_customer_with_non_empty_values(
    client, staff, django_capture_on_commit_callbacks
):
    existing = CustomerFactory(
        name="Acme", email="info@acme.test", country="AE", tax_id="TX-1", state="Dubai"
    )
    primary = Contact.objects.create(
        customer=existing, first_name="Old", email="old@acme.test", is_primary=True
    )
    content = csv_text(
        [
            ["name", "email", "tax_id", "state", "country", "tags", "contact_first_name"],
            ["Acme Trading FZE", "info@acme.test", "", "", "", "gold|gulf", "Omar"],
            ["Acme Again", "", "TX-1", "Sharjah", "", "", ""],
            ["Brand New", "new@x.test", "", "", "DE", "", ""],
        ]
    )
    job = import_csv(client, content, django_capture_on_commit_callbacks, update=True)

    assert (job.created_count, job.updated_count, job.skipped_count) == (1, 1, 1)
    assert job.errors[0]["line"] == 3
    assert "Duplicate of line 2" in job.errors[0]["reason"]
    existing.refresh_from_db()
    assert existing.name == "Acme Trading FZE"
    assert existing.state == "Dubai"  # an empty cell keeps the value
    assert existing.country.code == "AE"
    assert sorted(existing.tags.values_list("name", flat=True)) == ["gold", "gulf"]
    primary.refresh_from_db()
    assert primary.first_name == "Omar"
    assert primary.email == "old@acme.test"
    assert existing.contacts.count() == 1


def test_a_utf8_file_with_bom_and_semicolons_imports(
    client, staff, django_capture_on_commit_callbacks
):
    content = csv_text(
        [
            ["Company name", "Email", "Country (ISO code)", "Tax rate %", "Active (yes/no)"],
            ["Café Nöel SARL", "bonjour@cafe.test", "FR", "20,5", "no"],
            ["Müller & Söhne GmbH", "info@mueller.test", "DE", "19", "yes"],
        ],
        delimiter=";",
    ).encode("utf-8-sig")
    job = import_csv(client, content, django_capture_on_commit_callbacks)

    assert job.delimiter == ";"
    assert job.mapping == {
        "Company name": "name",
        "Email": "email",
        "Country (ISO code)": "country",
        "Tax rate %": "tax_rate",
        "Active (yes/no)": "active",
    }
    assert job.errors == []
    cafe = Customer.objects.get(email="bonjour@cafe.test")
    assert cafe.name == "Café Nöel SARL"
    assert cafe.tax_rate == Decimal("20.50")
    assert cafe.is_active is False
    assert Customer.objects.get(email="info@mueller.test").name == "Müller & Söhne GmbH"


def test_a_file_that_is_not_utf8_is_refused_with_a_message(client, staff):
    content = "name,email\nCafé Crème,info@cafe.test\n".encode("latin-1")
    response = upload_csv(client, content)
    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.content.decode()
    assert not CustomerImport.objects.exists()


def test_an_empty_or_headerless_file_is_refused(client, staff):
    assert "no lines to import" in upload_csv(client, "name,email\n").content.decode()
    assert "The submitted file is empty." in upload_csv(client, b"").content.decode()
    assert not CustomerImport.objects.exists()


def test_the_import_cannot_start_without_the_name_column_mapped(
    client, staff, django_capture_on_commit_callbacks
):
    upload_csv(client, csv_text([["Firm", "Email"], ["Acme", "info@acme.test"]]))
    job = CustomerImport.objects.get()
    assert job.mapping == {"Email": "email"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:import-preview", args=[job.pk]), mapping_data(job)
        )
    assert response.status_code == 400
    assert "Choose which column holds the “Company name”: it is required." in (
        response.content.decode()
    )
    job.refresh_from_db()
    assert job.status == CustomerImport.Status.PREVIEW
    with pytest.raises(importing.ImportFileError):
        importing.confirm_import(
            job=job, mapping={"Email": "email"}, update_existing=False, by=staff
        )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("customers:import-preview", args=[job.pk]),
            mapping_data(job, column_0="name"),
        )
    job.refresh_from_db()
    assert job.status == CustomerImport.Status.DONE
    assert Customer.objects.get().name == "Acme"


def test_the_preview_counts_every_line_and_shows_the_first_twenty(client, staff):
    CustomerFactory(email="taken@x.test")
    rows = [["name", "email"], ["Taken", "taken@x.test"], ["", "x@x.test"]]
    rows += [[f"Company {i}", f"c{i}@x.test"] for i in range(30)]
    upload_csv(client, csv_text(rows))
    job = CustomerImport.objects.get()

    response = client.get(reverse("customers:import-preview", args=[job.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["preview"].counts == {
        "create": 30,
        "update": 0,
        "duplicate": 1,
        "invalid": 1,
    }
    assert len(response.context["rows"]) == 20
    assert "Duplicate of existing customer" in page
    assert "Company name is required." in page
    assert "Company 17" in page and "Company 18" not in page


def test_the_counts_progress_tags_and_primary_contacts_after_an_import(
    client, staff, django_capture_on_commit_callbacks
):
    Tag.objects.create(name="VIP")
    content = csv_text(
        [
            ["name", "tags", "group", "contact_first_name", "contact_email", "contact_phone"],
            ["Acme", "vip | gulf", "Distributors", "Omar", "omar@acme.test", "+971501234567"],
            ["Nile", "gulf", "", "", "", ""],
            ["Half Contact", "", "", "", "lost@x.test", ""],
        ]
    )
    job = import_csv(client, content, django_capture_on_commit_callbacks)

    assert (job.total_lines, job.processed_lines, job.percent) == (3, 3, 100)
    assert (job.created_count, job.skipped_count) == (2, 1)
    assert "Primary contact first name is required" in job.errors[0]["reason"]
    acme = Customer.objects.get(name="Acme")
    assert sorted(acme.tags.values_list("name", flat=True)) == ["VIP", "gulf"]
    assert Tag.objects.count() == 2
    assert acme.group.name == "Distributors"
    contact = acme.contacts.get()
    assert (contact.first_name, contact.email, contact.is_primary) == (
        "Omar",
        "omar@acme.test",
        True,
    )
    assert str(contact.phone) == "+971501234567"
    assert not Customer.objects.get(name="Nile").contacts.exists()

    entries = ActivityEntry.objects.filter(
        verb="imported", target_type=ContentType.objects.get_for_model(CustomerImport)
    )
    assert entries.count() == 1
    assert entries.get().details["created"] == 2
    assert entries.get().actor == staff


def test_numbers_are_allocated_in_sequence_after_existing_ones(
    client, staff, django_capture_on_commit_callbacks
):
    first = create_customer(by=staff, name="Before")
    content = csv_text([["name"], ["One"], ["Two"], ["Three"]])
    import_csv(client, content, django_capture_on_commit_callbacks)
    after = create_customer(by=staff, name="After")

    numbers = [Customer.objects.get(name=n).number for n in ["One", "Two", "Three"]]
    assert first.number == "CUS-000001"
    assert numbers == ["CUS-000002", "CUS-000003", "CUS-000004"]
    assert after.number == "CUS-000005"


def test_the_sample_downloads_and_imports_cleanly(
    client, staff, django_capture_on_commit_callbacks
):
    response = client.get(reverse("customers:import-sample"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(csvspec.HEADERS)
    assert len(rows) == 3

    job = import_csv(client, content, django_capture_on_commit_callbacks)
    assert job.errors == []
    assert job.created_count == 2
    acme = Customer.objects.get(name="Acme Trading FZE")
    assert str(acme.phone) == "+97142345678"
    assert acme.group.name == "Distributors"
    assert acme.shipping_city == "Dubai"  # shipping same as billing
    nordlicht = Customer.objects.get(name="Nordlicht Handels GmbH")
    assert nordlicht.shipping_city == "Hamburg"
    assert nordlicht.website == "https://nordlicht.example"
    assert nordlicht.late_payment_exempt is True


def test_an_export_imports_again_as_updates(client, staff, django_capture_on_commit_callbacks):
    job = import_csv(
        client,
        b"".join(client.get(reverse("customers:import-sample")).streaming_content),
        django_capture_on_commit_callbacks,
    )
    assert job.created_count == 2
    export = client.get(reverse("customers:customer-export"), {"fields": "all"})
    content = b"".join(export.streaming_content)

    again = import_csv(client, content, django_capture_on_commit_callbacks, update=True)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 2, 0)
    assert Customer.objects.count() == 2
    skipped = import_csv(client, content, django_capture_on_commit_callbacks)
    assert skipped.skipped_count == 2
    assert "(same number)" in skipped.errors[0]["reason"]


def test_a_failing_batch_fails_the_job_and_keeps_earlier_batches(
    client, staff, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    original = importing._Writer.write
    calls = []

    def write(self, lines):
        calls.append(len(lines))
        if len(calls) == 2:
            original(self, lines)  # written, then rolled back with its batch
            raise RuntimeError("disk full")
        return original(self, lines)

    monkeypatch.setattr(importing._Writer, "write", write)
    content = csv_text([["name"], ["A"], ["B"], ["C"], ["D"], ["E"]])
    job = import_csv(client, content, django_capture_on_commit_callbacks)

    assert job.status == CustomerImport.Status.FAILED
    assert "RuntimeError: disk full" in job.failure
    assert job.processed_lines == 2
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["A", "B"]
    page = client.get(reverse("customers:import-detail", args=[job.pk])).content.decode()
    assert "The import failed" in page


def test_the_progress_partial_polls_while_running_and_reloads_when_done(client, staff):
    job = CustomerImport.objects.create(
        file="customers/imports/x",
        original_name="big.csv",
        status=CustomerImport.Status.RUNNING,
        total_lines=200,
        processed_lines=50,
        created_by=staff,
    )
    url = reverse("customers:import-progress", args=[job.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "25%" in page and "50 of 200 lines processed" in page
    assert "<html" not in page

    CustomerImport.objects.filter(pk=job.pk).update(status=CustomerImport.Status.DONE)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_another_staff_members_import_is_visible_to_staff(client, staff):
    job = CustomerImport.objects.create(
        file="customers/imports/x",
        original_name="theirs.csv",
        status=CustomerImport.Status.DONE,
        created_by=StaffFactory(),
    )
    assert client.get(reverse("customers:import-detail", args=[job.pk])).status_code == 200
    assert "theirs.csv" in client.get(reverse("customers:import-start")).content.decode()


def test_portal_users_get_403_and_visitors_the_login(client):
    job = CustomerImport.objects.create(file="customers/imports/x", original_name="a.csv")
    urls = [
        reverse("customers:import-start"),
        reverse("customers:import-sample"),
        reverse("customers:import-preview", args=[job.pk]),
        reverse("customers:import-detail", args=[job.pk]),
        reverse("customers:import-progress", args=[job.pk]),
        reverse("customers:import-rejected", args=[job.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(PortalContactFactory().user)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(urls[0], {}).status_code == 403


def test_the_rejected_lines_are_listed_fifty_to_a_page(
    client, staff, django_capture_on_commit_callbacks
):
    rows = [["name", "email"]] + [[f"Co {i}", f"bad {i}"] for i in range(60)]
    job = import_csv(client, csv_text(rows), django_capture_on_commit_callbacks)
    url = reverse("customers:import-detail", args=[job.pk])

    first = client.get(url)
    assert len(first.context["page_obj"]) == 50
    assert first.context["page_obj"][0]["line"] == 2
    second = client.get(url, {"page": 2})
    assert [error["line"] for error in second.context["page_obj"]] == list(range(52, 62))
    assert client.get(url, {"page": "nonsense"}).status_code == 200


def test_a_file_over_the_size_limit_is_refused(client, staff, monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    response = upload_csv(client, csv_text([["name"]] + [[f"Company {i}"] for i in range(20)]))
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not CustomerImport.objects.exists()


def test_an_unconfirmed_import_can_be_cancelled(client, staff):
    upload_csv(client, csv_text([["name"], ["Acme"]]))
    job = CustomerImport.objects.get()
    response = client.post(
        reverse("customers:import-preview", args=[job.pk]), {"action": "discard"}
    )
    assert response["Location"] == reverse("customers:import-start")
    assert not CustomerImport.objects.exists()
    assert not Customer.objects.exists()


def test_a_started_import_cannot_be_confirmed_again(client, staff):
    job = CustomerImport.objects.create(
        file="customers/imports/x", original_name="a.csv", status=CustomerImport.Status.DONE
    )
    response = client.post(
        reverse("customers:import-preview", args=[job.pk]), {"action": "confirm"}
    )
    assert response["Location"] == reverse("customers:import-detail", args=[job.pk])
    with pytest.raises(importing.ImportFileError):
        importing.confirm_import(job=job, mapping={"name": "name"}, update_existing=False, by=staff)


def test_line_numbers_count_the_lines_of_the_file_even_inside_quoted_cells(
    client, staff, django_capture_on_commit_callbacks
):
    content = 'name,address,email\nAcme,"Tower 1\nFloor 3",a@acme.test\n\nBad,,oops\n'
    job = import_csv(client, content, django_capture_on_commit_callbacks)
    assert [error["line"] for error in job.errors] == [5]
    assert Customer.objects.get().address == "Tower 1\nFloor 3"


def test_a_header_naming_a_column_twice_is_refused(client, staff):
    response = upload_csv(client, "name,email,Email\nAcme,a@x.test,b@x.test\n")
    assert response.status_code == 400
    assert "appears twice in the header line" in response.content.decode()
