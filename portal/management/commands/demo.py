"""Load demo data (idempotent) and print the logins."""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction

from conversations.demo import load_demo_conversations
from customers.models import ActivityEntry, Contact, Customer, CustomerGroup, Tag
from customers.services import add_contact, create_customer
from lumytic.accounts import roles
from lumytic.core.models import CompanyProfile
from lumytic.core.services import allocate_block
from portal.models import Area
from portal.services.access import set_portal_access
from sales.demo import load_demo_rates
from sales.demo_documents import load_demo_quotations
from sales.demo_orders import load_demo_cancellations, load_demo_invoices, load_demo_orders

DEMO_PASSWORD = "lumytic-demo"

# The seller on every demo document, unless a company profile is filled in already.
COMPANY = {
    "legal_name": "Lumytic Trading LLC",
    "email": "sales@lumytic.test",
    "phone": "+971 4 000 0000",
    "address": "Office 1204, Business Bay\nDubai, United Arab Emirates",
    "country": "AE",
    "cr_number": "CR-1029384",
    "tax_id": "TRN-100200300400003",
    "bank_name": "Gulf Commercial Bank",
    "bank_account_name": "Lumytic Trading LLC",
    "bank_iban": "AE070331234567890123456",
    "bank_swift": "GCBKAEAD",
}

STAFF = [
    # email, first, last, admin site, sales notifications, role (lumytic/accounts/roles.py)
    ("admin@lumytic.test", "Amira", "Haddad", True, False, roles.ADMIN),
    ("manager@lumytic.test", "Karim", "Saleh", False, False, roles.SALES_MANAGER),
    ("sales@lumytic.test", "Samir", "Nasser", False, True, roles.SALES),
    ("advisor@lumytic.test", "Lina", "Farouk", False, False, roles.CUSTOMER_ADVISOR),
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
            for field, value in COMPANY.items():
                setattr(profile, field, value)
            profile.save()

        staff = {}
        for email, first, last, admin_access, notifications, role in STAFF:
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
            user.groups.add(Group.objects.get(name=role))
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
                    # The company's first login also manages its contacts, as after a signup.
                    set_portal_access(contact=contact, by=None, areas=Area.values)
                portal_logins.append((contact_email, name))

        self._bulk_customers(staff, target=200)
        load_demo_rates()
        load_demo_orders()
        load_demo_quotations()
        load_demo_invoices()
        load_demo_cancellations()
        load_demo_conversations()

        out = self.stdout
        out.write(self.style.SUCCESS("Demo data is ready. Sign in with password: " + DEMO_PASSWORD))
        out.write("  Back-office  http://127.0.0.1:8000/accounts/login/")
        for email, *_rest, role in STAFF:
            out.write(f"    {email}  ({roles.ROLE_LABELS[role]})")
        out.write("  Portal       http://127.0.0.1:8000/portal/login/")
        for email, company in portal_logins:
            out.write(f"    {email}  ({company})")
        out.write("  Admin        http://127.0.0.1:8000/admin/  (admin@lumytic.test)")

    def _bulk_customers(self, staff: dict, *, target: int) -> None:
        """Fill up to `target` customers with varied, believable records in a few queries."""
        missing = target - Customer.objects.count()
        if missing <= 0:
            return
        rng = random.Random(2026)
        groups = [
            CustomerGroup.objects.get_or_create(name=name)[0]
            for name in ["Distributors", "Retail partners", "Wholesale", "Government", "General"]
        ]
        tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
        advisors = [staff["advisor@lumytic.test"], staff["sales@lumytic.test"]]
        numbers = allocate_block(kind="CUS", count=missing, yearly=False, width=6)
        customers = []
        for index, number in enumerate(numbers):
            first, second, suffix = rng.choice(PREFIXES), rng.choice(NOUNS), rng.choice(SUFFIXES)
            name = f"{first} {second} {suffix}"
            slug = f"{first}{second}{index}".lower().replace(" ", "")
            country, city, currency = rng.choice(PLACES)
            customers.append(
                Customer(
                    number=number,
                    name=name,
                    type=Customer.Type.INDIVIDUAL if index % 17 == 0 else Customer.Type.COMPANY,
                    group=rng.choice(groups),
                    email=f"info@{slug}.test",
                    website=f"https://{slug}.test",
                    country=country,
                    advisor=rng.choice(advisors),
                    default_currency=currency,
                    tax_rate=rng.choice(["0", "5", "14", "15", "20"]),
                    tax_id=f"TX{100000 + index}",
                    cr_number=f"CR{500000 + index}",
                    billing_first_name=rng.choice(FIRST_NAMES),
                    billing_city=city,
                    billing_country=country,
                    shipping_city=city,
                    shipping_country=country,
                    is_active=index % 23 != 0,
                )
            )
        created = Customer.objects.bulk_create(customers)
        Contact.objects.bulk_create(
            Contact(
                customer=customer,
                first_name=customer.billing_first_name,
                last_name=rng.choice(LAST_NAMES),
                email=customer.email.replace("info@", "buyer@"),
                position=rng.choice(["Buyer", "Owner", "Procurement", "Finance manager"]),
                is_primary=True,
            )
            for customer in created
        )
        through = Customer.tags.through
        through.objects.bulk_create(
            through(customer_id=customer.pk, tag_id=tag.pk)
            for customer in created
            for tag in rng.sample(tags, rng.randint(0, 2))
        )
        customer_type = ContentType.objects.get_for_model(Customer)
        ActivityEntry.objects.bulk_create(
            ActivityEntry(
                actor=staff["admin@lumytic.test"],
                verb="created",
                target_type=customer_type,
                target_id=str(customer.pk),
                target_repr=customer.name,
                customer=customer,
            )
            for customer in created
        )


TAGS = ["priority", "new", "gulf", "export", "late payer", "key account"]
PREFIXES = [
    "Atlas",
    "Blue",
    "Cedar",
    "Delta",
    "Falcon",
    "Golden",
    "Harbor",
    "Iris",
    "Jade",
    "Lotus",
    "Meridian",
    "Nova",
    "Oasis",
    "Pearl",
    "Royal",
    "Summit",
    "Tulip",
    "Zenith",
]
NOUNS = [
    "Trading",
    "Supplies",
    "Logistics",
    "Industries",
    "Distribution",
    "Retail",
    "Foods",
    "Engineering",
    "Textiles",
    "Medical",
    "Electric",
    "Building",
]
SUFFIXES = ["LLC", "FZE", "Ltd", "SARL", "GmbH", "Co.", "S.A.", "W.L.L."]
PLACES = [
    ("AE", "Dubai", "AED"),
    ("AE", "Abu Dhabi", "AED"),
    ("SA", "Riyadh", "SAR"),
    ("EG", "Cairo", "EGP"),
    ("JO", "Amman", "JOD"),
    ("KW", "Kuwait City", "KWD"),
    ("OM", "Muscat", "OMR"),
    ("QA", "Doha", "QAR"),
    ("DE", "Hamburg", "EUR"),
    ("FR", "Lyon", "EUR"),
    ("GB", "Manchester", "GBP"),
    ("US", "Houston", "USD"),
    ("IN", "Mumbai", "INR"),
    ("TR", "Istanbul", "TRY"),
    ("MA", "Casablanca", "MAD"),
]
FIRST_NAMES = [
    "Ahmed",
    "Sara",
    "Karim",
    "Layla",
    "Hassan",
    "Nour",
    "Paul",
    "Anna",
    "Ravi",
    "Elif",
    "Youssef",
    "Maya",
]
LAST_NAMES = ["Haddad", "Mansour", "Schmidt", "Dubois", "Patel", "Yilmaz", "Smith", "Rahman"]
