"""The one shape of every status machine (DESIGN.md §6).

A model lists its statuses as TextChoices and its allowed steps in ALLOWED_TRANSITIONS, so the
whole machine fits on one screen; `can_become` reads that table. A service that is asked for a
step the table refuses raises `InvalidTransition`, which carries the document, its state and the
step, with a message fit to show to the user.
"""

from collections.abc import Iterable, Mapping

from django.utils.text import capfirst
from django.utils.translation import gettext as _


class StatusMachine:
    """Mixin for a model with a `status` field and an ALLOWED_TRANSITIONS table."""

    ALLOWED_TRANSITIONS: Mapping[str, Iterable[str]] = {}

    def can_become(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, ())


class StepRefused(Exception):
    """A step the rules refuse; its message is for the user. Each app's errors derive from it."""


class InvalidTransition(StepRefused):
    """A status change the document's transition table does not allow."""

    def __init__(self, document, step: str, *, name: str = ""):
        self.document, self.state, self.step = document, document.status, step
        name = name or f"{capfirst(document._meta.verbose_name)} {document}"
        super().__init__(
            _("%(document)s is %(current)s; it cannot become %(target)s.")
            % {
                "document": name,
                "current": document.get_status_display().lower(),
                "target": type(document).Status(step).label.lower(),
            }
        )


def require_step(document, step: str, *, name: str = "") -> None:
    """Refuse, with `InvalidTransition`, a step the document's transition table does not allow."""
    if not document.can_become(step):
        raise InvalidTransition(document, step, name=name)
