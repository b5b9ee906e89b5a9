"""The permission matrix: for every back-office URL and method, the permissions it needs.

`OFFICE` (tests/lumytic/office_matrix.py) is the one table. For each entry and each role
(lumytic/accounts/roles.py), a role holding every permission named must get through (not 403, and
not 404: the objects exist), every other role and a staff user without a role get 403. A URL under
/office/ missing from the table fails `test_every_office_url_is_in_the_matrix`, so a new view
can't ship without deciding who may use it.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from lumytic.accounts import roles as r
from lumytic.accounts.roles import ROLES
from tests.factories import (
    StaffFactory,
)
from tests.lumytic.office_matrix import CASES, GET, OFFICE, office_url_names

pytestmark = pytest.mark.django_db


def test_every_office_url_is_in_the_matrix():
    missing = sorted(set(office_url_names()) - OFFICE.keys())
    assert not missing, f"Name the permissions of these office URLs in OFFICE: {missing}"
    gone = sorted(OFFICE.keys() - set(office_url_names()))
    assert not gone, f"These OFFICE entries match no URL: {gone}"


def test_every_role_is_reachable_and_the_admin_can_do_everything():
    needed = {
        perm for _k, methods, *_e in OFFICE.values() for perms in methods.values() for perm in perms
    }
    assert needed <= set(ROLES[r.ADMIN])
    # Every role's permissions are used by some page or step (none is decorative).
    assert set(ROLES[r.ADMIN]) - needed <= {
        r.VIEW_ALL_CUSTOMERS,
        r.APPROVE_LARGE_CREDIT,
        r.APPROVE_OVERPAYMENT,
    }


@pytest.fixture
def people():
    users = {name: StaffFactory(roles=[name]) for name in ROLES}
    users["no role"] = StaffFactory(roles=[])
    return users


def allowed(role: str, needed: tuple[str, ...]) -> bool:
    return set(needed) <= set(ROLES.get(role, ()))


@pytest.mark.parametrize(("name", "method"), CASES)
def test_each_role_may_or_may_not_use_each_office_url(client, world, people, name, method):
    kwargs, methods, *extra = OFFICE[name]
    request = extra[0](world) if extra else {}
    url = reverse(name, kwargs=kwargs(world) if kwargs else None) + request.get("query", "")
    needed = methods[method]
    results = {}
    for role, user in people.items():
        client.force_login(user)
        # Each role meets the world as it was: what one role's POST changes is rolled back.
        with transaction.atomic():
            if method == GET:
                response = client.get(url)
            else:
                response = client.post(url, request.get("data", {}))
            transaction.set_rollback(True)
        results[role] = response.status_code
    expected = {role: allowed(role, needed) for role in people}
    wrong = {
        role: status
        for role, status in results.items()
        if (status in (403, 404, 405) if expected[role] else status != 403)
    }
    assert not wrong, f"{method} {url}: expected {expected}, got {results}"
