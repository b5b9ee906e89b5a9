import re

import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff(client):
    """A signed-in staff member."""
    user = StaffFactory(first_name="Lina", last_name="Haddad")
    client.force_login(user)
    return user


def link_in(body: str, path_start: str) -> str:
    """The path of the first link in an email body that starts with `path_start`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", body)
    assert match, body
    return match.group(1)
