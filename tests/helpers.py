"""Plain helpers shared by the tests of every app."""

import re


def link_in(body: str, path_start: str) -> str:
    """The path of the first link in an email body that starts with `path_start`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", body)
    assert match, body
    return match.group(1)
