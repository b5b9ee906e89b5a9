"""Password rules beyond Django's: nothing guessable from who the user is or from the common
list once the digits and symbols people add around a word are taken off."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

MIN_WORD = 4  # shorter names ("Ali", "Lee") turn up inside ordinary words
EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _compact(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def company_name(user) -> str:
    """The company a password must not contain: one given for a login not created yet, else
    the customer of the user's contact (reached by relation name, not by import)."""
    given = getattr(user, "password_company", None)
    if given is not None:
        return given
    try:
        return user.contact.customer.name
    except (ObjectDoesNotExist, AttributeError, ValueError):
        return ""


def personal_words(user) -> set[str]:
    """The user's email local part and domain words, names and company, compacted."""
    email = (getattr(user, "email", "") or "").lower()
    local, _at, domain = email.partition("@")
    labels = domain.split(".")[:-1]  # the top-level domain says nothing about the user
    parts = [local, *re.split(r"[\W_]+", local), *labels]
    names = (getattr(user, "first_name", ""), getattr(user, "last_name", ""), company_name(user))
    for text in filter(None, names):
        parts += [text, *re.split(r"[\W_]+", text)]
    return {word for word in map(_compact, parts) if len(word) >= MIN_WORD}


class PersonalDetailsValidator:
    """Refuse a password that contains the user's email, name or company."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        compact = _compact(password)
        if any(word in compact for word in personal_words(user)):
            raise ValidationError(
                _("Your password can't contain your email address, name or company name."),
                code="password_personal",
            )

    def get_help_text(self) -> str:
        return _("Your password can't contain your email address, name or company name.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of common passwords, also with the digits and symbols around them off
    ("Summer2026!" is "summer")."""

    def validate(self, password: str, user=None) -> None:
        super().validate(password, user)
        core = EDGES.sub("", password).lower()
        if core and core in self.passwords:
            raise ValidationError(
                _("This password is a common word with numbers or symbols added."),
                code="password_too_common",
            )
