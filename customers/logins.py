"""Who gives a contact a portal login. The customers app never creates portal users itself: the
customer form's "portal login" option asks the app that owns portal logins (the portal), which
registers its service here from its AppConfig.ready()."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from .services.errors import CustomerError

_granter: Callable | None = None


def register_login_granter(grant: Callable) -> None:
    global _granter  # one portal per project
    _granter = grant


def grant_login(*, contact, by, **options):
    """Give the contact a portal login (options: language, welcome), or refuse clearly."""
    if _granter is None:
        raise CustomerError(_("Portal logins are not available here."))
    return _granter(contact=contact, by=by, **options)
