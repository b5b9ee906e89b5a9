"""Create and edit a customer in four tabs; delete or deactivate; customer groups."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import ActivityEntry, Credit, Customer, CustomerGroup
from tests.customers.helpers import CREATE, form_data
from tests.factories import (
    CustomerFactory,
    CustomerGroupFactory,
    PortalContactFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def test_create_saves_every_tab_in_one_go(client, staff):
    response = client.post(CREATE, form_data())
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == customer.get_absolute_url()
    assert customer.number == "CUS-000001"
    assert customer.website == "https://acme.test"
    assert customer.tax_rate == Decimal("5")
    assert customer.default_currency == "AED"
    assert sorted(t.name for t in customer.tags.all()) == ["gulf", "vip"]
    assert customer.shipping_city == "Dubai"  # same as billing
    primary = customer.contacts.get()
    assert (primary.is_primary, primary.email, primary.position) == (
        True,
        "omar@acme.test",
        "Buyer",
    )
    assert primary.user is None
    assert ActivityEntry.objects.filter(customer=customer, verb="created", actor=staff).exists()


def test_errors_are_shown_on_their_tabs_and_nothing_is_saved(client, staff):
    response = client.post(
        CREATE,
        form_data(name="", email="not-an-email", tax_rate="120", **{"contact-email": "bad"}),
    )
    assert response.status_code == 400
    tabs = {key: errors for key, _label, errors in response.context["tabs"]}
    assert tabs == {"general": 2, "finance": 1, "address": 0, "contact": 1}
    assert response.context["active_tab"] == "general"
    page = response.content.decode()
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert Customer.objects.count() == 0


def test_a_contact_is_required_when_creating(client, staff):
    response = client.post(CREATE, form_data(**{"contact-first_name": ""}))
    assert response.status_code == 400
    assert dict((k, e) for k, _l, e in response.context["tabs"])["contact"] == 1
    assert response.context["active_tab"] == "contact"


def test_portal_login_option_creates_a_login_and_emails_a_set_password_link(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, form_data(**{"contact-portal_login": "on"}))
    user = get_user_model().objects.get(email="omar@acme.test")
    assert user.role == "portal" and not user.has_usable_password()
    assert user.contact.customer.name == "Acme Trading FZE"
    [email] = mailoutbox
    assert email.to == ["omar@acme.test"]
    assert "omar@acme.test" in email.body
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", email.body)
    assert link, email.body


def test_portal_login_refused_when_the_email_signs_in_already(client, staff):
    StaffFactory(email="omar@acme.test")
    response = client.post(CREATE, form_data(**{"contact-portal_login": "on"}))
    assert response.status_code == 400
    assert "already signs in" in response.content.decode()
    assert not Customer.objects.exists()


def test_edit_records_changed_fields_with_old_and_new_values(client, staff):
    client.post(CREATE, form_data())
    customer = Customer.objects.get()
    url = reverse("customers:customer-update", args=[customer.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        form_data(
            name="Acme Trading LLC", tax_rate="0", tags_text="vip", **{"contact-position": "CEO"}
        ),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Acme Trading LLC"
    change = ActivityEntry.objects.get(customer=customer, verb="changed")
    assert change.details["name"] == ["Acme Trading FZE", "Acme Trading LLC"]
    assert change.details["tax_rate"][1] in {"0", "0.00"}
    assert change.details["tags"] == ["gulf, vip", "vip"]
    contact_change = ActivityEntry.objects.get(customer=customer, verb="contact changed")
    assert contact_change.details == {"position": ["Buyer", "CEO"]}


def test_edit_of_an_unknown_customer_is_404(client, staff):
    assert client.get(reverse("customers:customer-update", args=[999])).status_code == 404


def test_mass_assignment_of_the_number_is_ignored(client, staff):
    client.post(CREATE, form_data(number="CUS-999999", created_at="2000-01-01"))
    assert Customer.objects.get().number == "CUS-000001"


def test_delete_without_documents(client, staff):
    customer = CustomerFactory()
    url = reverse("customers:customer-delete", args=[customer.pk])
    assert "Delete for good" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert ActivityEntry.objects.filter(verb="deleted", target_repr=customer.name).exists()


def test_delete_refused_when_documents_exist_and_deactivation_offered(client, staff):
    customer = CustomerFactory()
    Credit.objects.create(customer=customer, amount=Decimal("10"), currency="USD", reason="refund")
    url = reverse("customers:customer-delete", args=[customer.pk])
    page = client.get(url).content.decode()
    assert "cannot be deleted" in page and "Deactivate instead" in page
    response = client.post(url, follow=True)
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert "has documents and cannot be deleted" in response.content.decode()

    client.post(reverse("customers:customer-set-active", args=[customer.pk]), {"active": "0"})
    customer.refresh_from_db()
    assert not customer.is_active
    client.post(reverse("customers:customer-set-active", args=[customer.pk]), {"active": "1"})
    customer.refresh_from_db()
    assert customer.is_active
    verbs = list(ActivityEntry.objects.filter(customer=customer).values_list("verb", flat=True))
    assert "deactivated" in verbs and "activated" in verbs


def test_state_changes_need_post(client, staff):
    customer = CustomerFactory()
    assert (
        client.get(reverse("customers:customer-set-active", args=[customer.pk])).status_code == 302
    )


def test_portal_users_get_403_on_customer_pages(client):
    customer = CustomerFactory()
    client.force_login(PortalContactFactory().user)
    for url in [
        CREATE,
        reverse("customers:customer-update", args=[customer.pk]),
        reverse("customers:customer-delete", args=[customer.pk]),
        reverse("customers:group-list"),
    ]:
        assert client.get(url).status_code == 403, url


def test_groups_add_rename_search_and_delete(client, staff):
    response = client.post(reverse("customers:group-create"), {"name": "Distributors"}, follow=True)
    assert "Distributors" in response.content.decode()
    group = CustomerGroup.objects.get(name="Distributors")
    client.post(reverse("customers:group-update", args=[group.pk]), {"name": "Wholesale"})
    group.refresh_from_db()
    assert group.name == "Wholesale"
    found = client.get(reverse("customers:group-list"), {"q": "whole"}, HTTP_HX_REQUEST="true")
    assert "Wholesale" in found.content.decode()
    assert "<html" not in found.content.decode()  # a dialog fragment, not a page
    client.post(reverse("customers:group-delete", args=[group.pk]))
    assert not CustomerGroup.objects.filter(pk=group.pk).exists()


def test_group_in_use_or_default_cannot_be_deleted(client, staff):
    used = CustomerGroupFactory(name="Used")
    CustomerFactory(group=used)
    response = client.post(reverse("customers:group-delete", args=[used.pk]), follow=True)
    assert "is used by 1 customers" in response.content.decode()
    default = CustomerGroup.default()
    response = client.post(reverse("customers:group-delete", args=[default.pk]), follow=True)
    assert "default group cannot be deleted" in response.content.decode()
    assert CustomerGroup.objects.filter(pk__in=[used.pk, default.pk]).count() == 2


def test_duplicate_group_name_is_a_field_error(client, staff):
    CustomerGroupFactory(name="Retail")
    response = client.post(reverse("customers:group-create"), {"name": "Retail"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
