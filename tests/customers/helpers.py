"""Plain builders shared by the customer tests: the customer form as the browser posts it, the
CSV import driven through its pages, and the customer list's rows and page links."""

import csv
import io
import re
from html import unescape

from django.urls import reverse

from customers.models import CustomerGroup, CustomerImport
from customers.services import importing

CREATE = "/office/customers/new/"
LIST = "/office/customers/"


def ids(response) -> list[int]:
    """The ids of the customer list's rows, in order."""
    return [c.pk for c in response.context["object_list"]]


def page_link(response, rel: str) -> str | None:
    """The customer list's pager link `rel` (next, prev, first, last), or None."""
    match = re.search(
        rf'<a class="page-link" href="([^"]+)" rel="{rel}"', response.content.decode()
    )
    return LIST + unescape(match.group(1)) if match else None


def walk_next(client, response, everything: list[int]):
    """Follow Next from `response` to the end; the rows seen on the way and the last response."""
    seen = []
    while len(seen) <= len(everything):  # a pager that loops stops here, and fails
        seen += ids(response)
        following = page_link(response, "next")
        if not following:
            break
        response = client.get(following)
    return seen, response


def assert_walks_back_over(client, response, everything: list[int]) -> None:
    """Previous from `response` gives contiguous runs of `everything` that reach the first page
    (which is full, so it may repeat rows of the page after it) and cover every row."""
    covered, pages = set(), 0
    while pages <= len(everything):
        pages += 1
        page = ids(response)
        start = everything.index(page[0])
        assert page == everything[start : start + len(page)]
        covered.update(range(start, start + len(page)))
        previous = page_link(response, "prev")
        if not previous:
            break
        response = client.get(previous)
    assert page == everything[:3] and covered == set(range(len(everything)))


def form_data(**overrides) -> dict:
    data = {
        "name": "Acme Trading FZE",
        "type": "company",
        "group": CustomerGroup.default().pk,
        "email": "orders@acme.test",
        "website": "acme.test",
        "phone": "+97142223333",
        "country": "AE",
        "default_currency": "AED",
        "discount_type": "percent",
        "discount_value": "5",
        "tax_type": "standard",
        "tax_rate": "5",
        "tax_id": "TRN-1",
        "is_active": "on",
        "tags_text": "gulf, vip, Gulf",
        "billing_first_name": "Omar",
        "billing_city": "Dubai",
        "billing_country": "AE",
        "shipping_same_as_billing": "on",
        "contact-first_name": "Omar",
        "contact-last_name": "Khalil",
        "contact-email": "omar@acme.test",
        "contact-position": "Buyer",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def upload_csv(client, content: bytes | str, *, name="customers.csv", update=False):
    data = content.encode() if isinstance(content, str) else content
    upload = io.BytesIO(data)
    upload.name = name
    payload = {"file": upload}
    if update:
        payload["update_existing"] = "on"
    return client.post(reverse("customers:import-start"), payload)


def mapping_data(job: CustomerImport, *, action="confirm", update=None, **changes) -> dict:
    headers = importing.read_headers(job=job)
    data = {f"column_{i}": job.mapping.get(h, "") for i, h in enumerate(headers)}
    data.update(changes)
    data["action"] = action
    if update if update is not None else job.update_existing:
        data["update_existing"] = "on"
    return data


def import_csv(client, content, django_capture_on_commit_callbacks, *, update=False):
    """Upload, confirm the guessed mapping and run the import (Celery is eager in tests)."""
    response = upload_csv(client, content, update=update)
    assert response.status_code == 302, response.content.decode()
    job = CustomerImport.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:import-preview", args=[job.pk]), mapping_data(job)
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:import-detail", args=[job.pk])
    job.refresh_from_db()
    return job


IMPORT_HEADER = ["name", "email", "country", "tax_rate", "advisor_email", "phone"]
