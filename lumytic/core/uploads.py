"""Upload checks shared by every app: the content decides the type, never the file name."""

import os
import unicodedata
import uuid
from collections.abc import Iterable

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
}
MARKUP_MARKERS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<iframe", b"<body")
SCAN_CHUNK = 65_536


def sniff_kind(head: bytes) -> str | None:
    """Name the kind of file from its first bytes, or None when it is not one we accept."""
    guess = filetype.guess(head)
    if guess is None:
        return None
    for kind, (mime, _ext) in KINDS.items():
        if guess.mime == mime:
            return kind
    return None


@deconstructible
class ContentTypeValidator:
    """Accept only the listed kinds, judged by content, up to a size limit."""

    def __init__(self, kinds: Iterable[str] = ("pdf", "png", "jpeg"), max_bytes: int = 10_485_760):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload) -> None:
        size = getattr(upload, "size", None) or 0
        if size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        if size > self.max_bytes:
            raise ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)},
                code="too_large",
            )
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        kind = sniff_kind(head)
        allowed = ", ".join(k.upper() for k in self.kinds)
        if kind not in self.kinds:
            raise ValidationError(
                _("This file is not an accepted type. Upload %(allowed)s.") % {"allowed": allowed},
                code="bad_type",
            )
        # Images are never served inline, but markup hidden anywhere in them is still refused.
        if kind != "pdf" and _contains_markup(upload):
            raise ValidationError(_("This image contains markup and was refused."), code="markup")

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, ContentTypeValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )


def _contains_markup(upload) -> bool:
    """Scan the whole file in chunks (overlapping, so no marker is split) for HTML or SVG."""
    overlap = max(len(marker) for marker in MARKUP_MARKERS) - 1
    upload.seek(0)
    previous = b""
    try:
        while chunk := upload.read(SCAN_CHUNK):
            window = (previous + chunk).lower()
            if any(marker in window for marker in MARKUP_MARKERS):
                return True
            previous = window[-overlap:]
        return False
    finally:
        upload.seek(0)


def display_name(filename: str, max_length: int = 120) -> str:
    """The user's file name, safe to show: no folders, no control characters, bounded length.

    Only ever displayed; files are stored under a generated name (GeneratedName).
    """
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    if len(name) > max_length:
        stem, ext = os.path.splitext(name)
        name = stem[: max_length - len(ext[:10])] + ext[:10]
    return name or "file"


@deconstructible
class GeneratedName:
    """Store uploads under a random name in a folder; the user's file name is never used."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower()[:8]
        ext = ext if ext in {".pdf", ".png", ".jpg", ".jpeg"} else ""
        return f"{self.folder}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and self.folder == other.folder
