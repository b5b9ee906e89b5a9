"""Fixtures of the registration tests: the reviewing staff member, signed in."""

import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff(client):
    user = StaffFactory(email="lina@lumytic.test", first_name="Lina", last_name="Haddad")
    client.force_login(user)
    return user
