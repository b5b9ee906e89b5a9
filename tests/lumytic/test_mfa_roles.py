"""Which staff roles must pass a second factor, with the real role table: whoever may confirm
payments or manage portal access (sales, sales manager, admin), not the customer advisor."""

import pytest
from django.urls import reverse

from tests.factories import AdvisorFactory, SalesFactory, SalesManagerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.parametrize(
    ("factory", "required"),
    [
        (StaffFactory, True),  # the admin role
        (SalesManagerFactory, True),
        (SalesFactory, True),
        (AdvisorFactory, False),
    ],
    ids=["admin", "sales manager", "sales", "customer advisor"],
)
def test_the_roles_that_move_money_or_grant_access_must_use_a_second_factor(
    client, factory, required
):
    client.force_login(factory())
    response = client.get(reverse("office:dashboard"))
    if required:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_index")
    else:
        assert response.status_code == 200
