"""Factories of the portal app's own models."""

import factory

from portal.models import RegistrationRequest

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A pending self-signup with a small PDF as its CR file."""

    class Meta:
        model = RegistrationRequest

    company_name = factory.Sequence(lambda n: f"Applicant Trading {n}")
    country = "AE"
    first_name = "Rana"
    last_name = "Aziz"
    email = factory.Sequence(lambda n: f"rana{n}@applicant.example")
    phone = "+97142345678"
    address = "Office 12, Business Bay, Dubai"
    billing_first_name = "Rana"
    billing_last_name = "Aziz"
    billing_commercial_name = factory.SelfAttribute("company_name")
    billing_email = factory.SelfAttribute("email")
    billing_country = "AE"
    billing_city = "Dubai"
    billing_street = "Al Khaleej St 4"
    cr_number = factory.Sequence(lambda n: f"CR-{n:06d}")
    cr_file = factory.django.FileField(filename="cr.pdf", data=PDF)
    language = "en"
