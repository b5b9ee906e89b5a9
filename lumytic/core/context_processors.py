from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .access import is_office_user
from .nav import sidebar_counts


def site(request) -> dict:
    return {"SITE_URL": settings.SITE_URL}


def nav_counts(request) -> dict:
    """The sidebar's badge counts: computed only when a template reads them, for office users
    only, in one query (lumytic/core/nav.py)."""

    def compute():
        if not is_office_user(getattr(request, "user", None)):
            return {}
        return sidebar_counts()

    return {"nav_counts": SimpleLazyObject(compute)}
