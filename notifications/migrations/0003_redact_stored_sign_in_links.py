"""Blank out the sign-in links stored before the outbox minted them only while sending."""

import re

from django.db import migrations
from django.db.models import Q

# Written out here, as they were when those rows were stored; the notes match links.py's kinds.
STORED_LINKS = [
    (
        re.compile(r"""[^\s"'<>]*/accounts/password/reset/key/[^\s"'<>]+"""),
        "[set-password link sent; not stored]",
    ),
    (
        re.compile(r"""[^\s"'<>]*/portal/invitations/[^\s"'<>]+"""),
        "[invitation link sent; not stored]",
    ),
]


def redact(apps, schema_editor):
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    marker = r"/(accounts/password/reset/key|portal/invitations)/"
    rows = OutboundEmail.objects.filter(Q(body_text__regex=marker) | Q(body_html__regex=marker))
    for email in rows.only("pk", "body_text", "body_html").iterator(chunk_size=500):
        text, html = email.body_text, email.body_html
        for pattern, note in STORED_LINKS:
            text, html = pattern.sub(note, text), pattern.sub(note, html)
        OutboundEmail.objects.filter(pk=email.pk).update(body_text=text, body_html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_squashed_0005_delivery_attempts"),
    ]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
