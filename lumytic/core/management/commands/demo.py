"""Load demo data (idempotent) and print the logins."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from customers.models import Contact, Customer, CustomerGroup
from customers.services import add_contact, create_customer
from lumytic.core.models import CompanyProfile

DEMO_PASSWORD = "lumytic-demo"

STAFF = [
    # email, first, last, admin site, sales notifications
    ("admin@lumytic.test", "Amira", "Haddad", True, False),
    ("sales@lumytic.test", "Samir", "Nasser", False, True),
    ("advisor@lumytic.test", "Lina", "Farouk", False, False),
]

CUSTOMERS = [
    # name, country, group, email, website, (contact first, last, email, position), portal login
    (
        "Acme Trading FZE",
        "AE",
        "Distributors",
        "orders@acme.test",
        "https://acme.test",
        ("Omar", "Khalil", "omar@acme.test", "Purchasing manager"),
        True,
    ),
    (
        "Nile Valley Supplies",
        "EG",
        "Distributors",
        "info@nilevalley.test",
        "https://nilevalley.test",
        ("Mona", "Said", "mona@nilevalley.test", "Owner"),
        True,
    ),
    (
        "Baltic Retail OÜ",
        "EE",
        "Retail partners",
        "hello@balticretail.test",
        "https://balticretail.test",
        ("Kadri", "Tamm", "kadri@balticretail.test", "Buyer"),
        False,
    ),
    (
        "Cedar Line SARL",
        "LB",
        "Retail partners",
        "contact@cedarline.test",
        "",
        ("Rami", "Aoun", "rami@cedarline.test", "Director"),
        False,
    ),
    (
        "Sahara Build Co.",
        "MA",
        "General",
        "sales@saharabuild.test",
        "",
        ("Youssef", "Alaoui", "youssef@saharabuild.test", "Procurement"),
        False,
    ),
]


class Command(BaseCommand):
    help = "Load demo data (staff, customers, contacts, portal users) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        users = get_user_model().objects
        profile = CompanyProfile.load()
        if not profile.email:
            profile.legal_name = "Lumytic Trading LLC"
            profile.email = "sales@lumytic.test"
            profile.phone = "+971 4 000 0000"
            profile.address = "Office 1204, Business Bay\nDubai, United Arab Emirates"
            profile.country = "AE"
            profile.cr_number = "CR-1029384"
            profile.tax_id = "TRN-100200300400003"
            profile.bank_name = "Gulf Commercial Bank"
            profile.bank_account_name = "Lumytic Trading LLC"
            profile.bank_iban = "AE070331234567890123456"
            profile.bank_swift = "GCBKAEAD"
            profile.save()

        staff = {}
        for email, first, last, admin_access, notifications in STAFF:
            user = users.filter(email=email).first()
            if user is None:
                user = users.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                    role="staff",
                    is_staff=admin_access,
                    is_superuser=admin_access,
                    sales_notifications=notifications,
                )
            staff[email] = user

        CustomerGroup.objects.get_or_create(
            is_default=True, defaults={"name": "General", "description": "Default group"}
        )
        portal_logins = []
        for name, country, group, email, website, person, portal in CUSTOMERS:
            customer = Customer.objects.filter(name=name).first()
            if customer is None:
                group_obj, _ = CustomerGroup.objects.get_or_create(name=group)
                customer = create_customer(
                    by=staff["admin@lumytic.test"],
                    name=name,
                    country=country,
                    group=group_obj,
                    email=email,
                    website=website,
                    advisor=staff["advisor@lumytic.test"],
                )
            first, last, contact_email, position = person
            contact = Contact.objects.filter(customer=customer, email=contact_email).first()
            if contact is None:
                contact = add_contact(
                    customer=customer,
                    by=staff["admin@lumytic.test"],
                    first_name=first,
                    last_name=last,
                    email=contact_email,
                    position=position,
                )
            if portal:
                if contact.user is None:
                    contact.user = users.filter(email=contact_email).first() or users.create_user(
                        email=contact_email,
                        password=DEMO_PASSWORD,
                        first_name=first,
                        last_name=last,
                        role="portal",
                    )
                    contact.save(update_fields=["user"])
                portal_logins.append((contact_email, name))

        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready. Sign in with password: " + DEMO_PASSWORD))
        out.write("  Back-office  http://127.0.0.1:8000/accounts/login/")
        for email, *_rest in STAFF:
            out.write(f"    {email}")
        out.write("  Portal       http://127.0.0.1:8000/portal/login/")
        for email, company in portal_logins:
            out.write(f"    {email}  ({company})")
        out.write("  Admin        http://127.0.0.1:8000/admin/  (admin@lumytic.test)")
