"""Builders shared by the self-signup tests: the signup form as the browser posts it and the
emails it sends."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import OutboundEmail
from tests.portal.factories import PDF

SIGNUP = "/portal/signup/"


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
