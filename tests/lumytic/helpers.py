"""Plain helpers shared by the lumytic tests (and the browser MFA tests): granting a
permission and the current one-time code of a TOTP secret."""

import base64
import hashlib
import hmac
import struct
import time

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType


def grant(user, perm: str) -> None:
    """Give the user a permission, creating it if the roles branch has not declared it yet."""
    app_label, codename = perm.split(".")
    model = {"sales": "Payment", "portal": "PortalAccess"}[app_label]
    content_type = ContentType.objects.get_for_model(apps.get_model(app_label, model))
    permission, _ = Permission.objects.get_or_create(
        codename=codename, content_type=content_type, defaults={"name": codename}
    )
    user.user_permissions.add(permission)


def totp_now(secret: str) -> str:
    """The current RFC 6238 code for a base32 secret (30-second steps, 6 digits)."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
