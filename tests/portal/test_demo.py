import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from customers.models import Customer
from lumytic.core.models import CompanyProfile

pytestmark = pytest.mark.django_db


def test_demo_loads_staff_customers_and_portal_users_and_prints_logins(capsys):
    call_command("demo")
    output = capsys.readouterr().out
    users = get_user_model().objects
    admin = users.get(email="admin@lumytic.test")
    assert admin.is_superuser and admin.check_password("lumytic-demo")
    assert users.get(email="sales@lumytic.test").sales_notifications
    portal_user = users.get(email="omar@acme.test")
    assert portal_user.role == "portal"
    assert portal_user.contact.customer.name == "Acme Trading FZE"
    assert Customer.objects.count() == 200
    assert not Customer.objects.exclude(contacts__is_primary=True).exists()
    assert Customer.objects.values("country").distinct().count() > 5
    assert Customer.objects.values("group").distinct().count() >= 4
    assert CompanyProfile.load().bank_iban
    for login in ["admin@lumytic.test", "sales@lumytic.test", "omar@acme.test", "lumytic-demo"]:
        assert login in output


def test_demo_can_run_twice_without_duplicating_anything():
    call_command("demo")
    call_command("demo")
    assert Customer.objects.count() == 200
    assert get_user_model().objects.filter(email="omar@acme.test").count() == 1


def test_demo_has_documents_at_every_stage_built_so_far():
    from portal.access import areas_of
    from sales.models import Cancellation, Order, Quotation

    call_command("demo")
    assert set(Order.objects.values_list("status", flat=True)) >= {
        "draft",
        "submitted",
        "confirmed",
        "pi_sent",
        "cancelled",
    }
    assert set(Quotation.objects.values_list("status", flat=True)) == set(Quotation.Status.values)
    assert Cancellation.objects.filter(status="requested").count() == 1
    omar = get_user_model().objects.get(email="omar@acme.test")
    assert "contacts" in areas_of(omar)  # the company's first login manages its contacts
