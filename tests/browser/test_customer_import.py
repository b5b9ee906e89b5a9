"""In a real browser, staff import customers from a CSV file and read the report."""

import pytest
from playwright.sync_api import expect

from customers.models import Customer, CustomerImport
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import submit_sign_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "Company name;Email;Country;Tax rate %;Tags\n"
    "Acme Trading FZE;info@acme.test;AE;5;gulf|vip\n"
    "Broken Mail Ltd;not-an-email;AE;5;\n"
    "Nile Valley Supplies;sales@nile.test;EG;14;\n"
    ";nobody@x.test;AE;5;\n"
    "Far Away Co;far@x.test;ZZ;5;\n"
).encode("utf-8-sig")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _sign_in(page) -> None:
    StaffFactory(email="lina@lumytic.test", first_name="Lina")
    page.goto("/accounts/login/?next=/office/customers/")
    submit_sign_in(page, "lina@lumytic.test")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()


def test_staff_upload_preview_confirm_and_read_the_report(page):
    _sign_in(page)
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import customers")).to_be_visible()
    expect(page.get_by_role("link", name="Download sample CSV")).to_be_visible()

    page.get_by_label("CSV file").set_input_files(
        {"name": "customers.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview of customers.csv")).to_be_visible()
    expect(page.get_by_text("columns separated by semicolons")).to_be_visible()
    expect(page.locator('[data-count="create"]')).to_have_text("2")
    expect(page.locator('[data-count="invalid"]')).to_have_text("3")
    expect(page.get_by_label("Company name", exact=True)).to_have_value("name")
    preview = page.locator(".preview-table")
    expect(preview).to_contain_text("“not-an-email” is not a valid email address")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "customer_import_preview.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Start the import").click()

    expect(page.get_by_role("heading", name="Import of customers.csv")).to_be_visible()
    progress = page.locator("#import-progress")
    expect(progress.get_by_text("Finished")).to_be_visible()
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(progress).to_contain_text("5 of 5 lines processed")
    rejected = page.locator(".rejected-table tbody tr")
    expect(rejected).to_have_count(3)
    expect(rejected.nth(0)).to_contain_text("3")
    expect(rejected.nth(0)).to_contain_text("“not-an-email” is not a valid email address")
    expect(rejected.nth(1)).to_contain_text("5")
    expect(rejected.nth(1)).to_contain_text("Company name is required.")
    expect(rejected.nth(2)).to_contain_text("6")
    expect(rejected.nth(2)).to_contain_text("“ZZ” is not an ISO 3166 country code")
    expect(page.get_by_role("link", name="Download rejected lines (CSV)")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "customer_import_report.png", full_page=True)

    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "Acme Trading FZE",
        "Nile Valley Supplies",
    ]

    page.get_by_role("link", name="Import another file").click()
    recent = page.locator(".import-table")
    expect(recent).to_contain_text("customers.csv")
    expect(recent).to_contain_text("Finished")


def test_the_progress_bar_follows_a_running_import_until_it_ends(page):
    _sign_in(page)
    job = CustomerImport.objects.create(
        file="customers/imports/running",
        original_name="big.csv",
        status=CustomerImport.Status.RUNNING,
        total_lines=1000,
        processed_lines=250,
    )
    page.goto(f"/office/customers/import/{job.pk}/")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "25")

    CustomerImport.objects.filter(pk=job.pk).update(processed_lines=600, created_count=600)
    expect(bar).to_have_attribute("aria-valuenow", "60")
    expect(page.locator("#import-progress")).to_contain_text("600 created")

    CustomerImport.objects.filter(pk=job.pk).update(
        status=CustomerImport.Status.DONE, processed_lines=1000, created_count=1000
    )
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    expect(page.get_by_text("Every line was imported.")).to_be_visible()
