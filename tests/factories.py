"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers.models import Contact, Customer, CustomerGroup
from lumytic.accounts.roles import ADMIN, CUSTOMER_ADVISOR, SALES, SALES_MANAGER
from lumytic.core.services import allocate_number
from notifications.models import OutboundEmail
from portal.services.access import give_default_access, set_portal_access

PASSWORD = "correct-horse-battery-staple"


def staff_roles(default: list[str]):
    """Staff role groups: `default` unless given (`roles=[]` for a staff user with none)."""

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if not create or obj.role != "staff":
            return
        names = default if extracted is None else list(extracted)
        if names:
            obj.groups.add(*Group.objects.filter(name__in=names))

    return roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = "staff"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    roles = staff_roles([ADMIN])


class StaffFactory(UserFactory):
    """A staff member who may do everything in the office (the admin role)."""

    role = "staff"


class SalesManagerFactory(StaffFactory):
    roles = staff_roles([SALES_MANAGER])


class SalesFactory(StaffFactory):
    roles = staff_roles([SALES])


class AdvisorFactory(StaffFactory):
    roles = staff_roles([CUSTOMER_ADVISOR])


class PortalUserFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    role = "portal"

    @factory.post_generation
    def default_access(self, create, extracted, **kwargs):
        # As the portal's own services do for every login they create.
        if create:
            give_default_access(self)


class CustomerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerGroup
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Group {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.LazyFunction(lambda: allocate_number(kind="CUS", yearly=False, width=6))
    name = factory.Faker("company")
    email = factory.Sequence(lambda n: f"office{n}@customer.example")
    country = "AE"
    group = factory.SubFactory(CustomerGroupFactory, name="General")
    advisor = factory.SubFactory(StaffFactory)

    class Params:
        # Acme Trading of the portal stories: USD, billed to Omar Khalil in Dubai.
        acme = factory.Trait(
            name="Acme Trading",
            default_currency="USD",
            billing_first_name="Omar",
            billing_last_name="Khalil",
            billing_street="Sheikh Zayed Rd 1",
            billing_city="Dubai",
            billing_country="AE",
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    is_primary = True


class PortalContactFactory(ContactFactory):
    """A primary contact with a portal login; `areas=[...]` grants exactly those areas."""

    class Meta:
        skip_postgeneration_save = True

    user = factory.SubFactory(
        PortalUserFactory,
        email=factory.SelfAttribute("..email"),
        first_name=factory.SelfAttribute("..first_name"),
        last_name=factory.SelfAttribute("..last_name"),
    )

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        # As staff grant them (`areas__own_orders_only=True` too); left alone when not given.
        if create and extracted is not None:
            set_portal_access(contact=obj, by=None, areas=list(extracted), **kwargs)


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """An outbox email written directly (a notify() would commit and send it at once)."""

    class Meta:
        model = OutboundEmail

    event = "smtp_test"
    to_email = "lina@lumytic.test"
    from_email = "LUMYTIC | Sales <no-reply@lumytic.test>"
    subject = "Lumytic test email"
    body_text = "Hello"
    body_html = "<p>Hello</p>"
