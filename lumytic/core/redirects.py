"""Where a `next` parameter may send someone: a path on this site, else the page's own default."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, target: str, fallback: str) -> str:
    """`target` if it is a path on this host; otherwise `fallback`.

    A bare word such as `next=foo` passes Django's host check but is not a path: `redirect()`
    would try it as a URL name and fail with a 500.
    """
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return fallback
