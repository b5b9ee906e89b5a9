import pytest
from django.db import IntegrityError

from customers.models import ActivityEntry, Contact
from customers.services import add_contact, create_customer, record_activity
from tests.factories import ContactFactory, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_create_customer_numbers_it_and_records_who_created_it():
    staff = StaffFactory()
    first = create_customer(by=staff, name="Acme Trading")
    second = create_customer(by=staff, name="Nile Valley")
    assert (first.number, second.number) == ("CUS-000001", "CUS-000002")
    entry = ActivityEntry.objects.get(customer=first)
    assert (entry.actor, entry.verb, entry.target) == (staff, "created", first)


def test_the_first_contact_is_primary_and_later_ones_are_not():
    customer = CustomerFactory()
    first = add_contact(customer=customer, by=None, first_name="Omar", email="omar@acme.test")
    second = add_contact(customer=customer, by=None, first_name="Mona", email="mona@acme.test")
    assert first.is_primary and not second.is_primary
    assert customer.activity.filter(verb="contact added").count() == 2


def test_the_database_allows_one_primary_contact_per_customer():
    contact = ContactFactory(is_primary=True)
    with pytest.raises(IntegrityError):
        Contact.objects.create(customer=contact.customer, first_name="Two", is_primary=True)


def test_activity_records_actor_verb_target_customer_and_details():
    staff = StaffFactory()
    customer = CustomerFactory()
    entry = record_activity(
        actor=staff,
        verb="changed",
        target=customer,
        customer=customer,
        details={"email": ["old@x.test", "new@x.test"]},
    )
    entry.refresh_from_db()
    assert entry.actor == staff
    assert entry.target == customer
    assert entry.target_repr == customer.name
    assert entry.details == {"email": ["old@x.test", "new@x.test"]}
    assert entry.created_at is not None
