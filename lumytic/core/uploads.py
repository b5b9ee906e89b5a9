"""Upload checks shared by every app: the content decides the type, never the file name."""

import hashlib
import os
import re
import unicodedata
import uuid
import zlib
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
# Extensions a name may already carry for each kind; any other is replaced by the real one.
KIND_EXTENSIONS = {"pdf": {".pdf"}, "png": {".png"}, "jpeg": {".jpg", ".jpeg"}}
MARKUP_MARKERS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<iframe", b"<body")
SCAN_CHUNK = 65_536
HEAD_BYTES = 8192

# PDF names that make a reader run something (scripts, programs, forms that post, media) or
# carry other files. /OpenAction is refused unless it only names a page to show (an array).
PDF_ACTIVE_NAMES = {
    "JS",
    "JavaScript",
    "AA",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "RichMedia",
    "XFA",
    "SubmitForm",
    "ImportData",
    "GoToE",
}
PDF_NAME = re.compile(rb"/([^\s/<>\[\](){}%]*)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"\bstream(?:\r\n|\n|\r)")
PDF_OBJECT_HEADER = re.compile(rb"\d+\s+\d+\s+obj\b")
PDF_INFLATED_LIMIT = 50 * 1_048_576  # what object streams may inflate to, all together


def sniff_kind(head: bytes) -> str | None:
    """Name the kind of file from its first bytes, or None when it is not one we accept."""
    guess = filetype.guess(head)
    if guess is None:
        return None
    for kind, (mime, _ext) in KINDS.items():
        if guess.mime == mime:
            return kind
    return None


def file_kind(file) -> str | None:
    """The kind of an open file or upload, judged by its first bytes; the position is kept."""
    position = file.tell()
    file.seek(0)
    try:
        return sniff_kind(file.read(HEAD_BYTES))
    finally:
        file.seek(position)


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
        head = upload.read(HEAD_BYTES)
        upload.seek(0)
        kind = sniff_kind(head)
        allowed = ", ".join(k.upper() for k in self.kinds)
        if kind not in self.kinds:
            raise ValidationError(
                _("This file is not an accepted type. Upload %(allowed)s.") % {"allowed": allowed},
                code="bad_type",
            )
        if kind == "pdf":
            upload.seek(0)
            content = upload.read()
            upload.seek(0)
            verdict = pdf_active_content(content)
            if verdict == "active":
                raise ValidationError(
                    _(
                        "This PDF contains active content (a script, an automatic action or an "
                        "embedded file) and was refused. Print it to a new PDF, or scan it, and "
                        "upload that."
                    ),
                    code="active_pdf",
                )
            if verdict == "unreadable":
                raise ValidationError(
                    _(
                        "This PDF could not be checked (it is encrypted or damaged) and was "
                        "refused. Print it to a new PDF, or scan it, and upload that."
                    ),
                    code="unchecked_pdf",
                )
        # Images are never served inline, but markup hidden anywhere in them is still refused.
        elif _contains_markup(upload):
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


def _pdf_names(data: bytes) -> Iterable[tuple[str, int]]:
    """Every PDF name in `data` with `#xx` escapes decoded (`/J#53` is `/JS`), and its end."""
    for match in PDF_NAME.finditer(data):
        raw = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        yield raw.decode("latin-1"), match.end()


def _has_active_names(data: bytes) -> bool:
    for name, end in _pdf_names(data):
        if name in PDF_ACTIVE_NAMES:
            return True
        # A page to open at is an array; anything else (an action, or a reference to one) runs.
        if name == "OpenAction" and data[end:].lstrip()[:1] != b"[":
            return True
    return False


def _pdf_parts(data: bytes) -> tuple[bytes, list[tuple[bytes, int]]]:
    """The PDF's text outside stream data, and each stream's dictionary with its data start.

    Stream data (images, fonts, pages) is binary, where a name like /JS turns up by chance, so
    it is left out; unless it holds an object header, as a reader can be sent to an object
    hidden inside another stream's data.
    """
    outside, streams, position = [], [], 0
    for match in PDF_STREAM.finditer(data):
        if match.start() < position:
            continue  # the word inside data already taken
        header = data.rfind(b"obj", position, match.start())
        streams.append((data[header : match.start()] if header >= 0 else b"", match.end()))
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        outside.append(data[position : match.end()])
        if PDF_OBJECT_HEADER.search(data, match.end(), end):
            outside.append(data[match.end() : end])
        outside.append(b" ")
        position = end
    outside.append(data[position:])
    return b"".join(outside), streams


def pdf_active_content(data: bytes) -> str | None:
    """ "active" when the PDF would run or carry something, "unreadable" when part of it can't
    be checked, else None.

    Object streams (PDF 1.5) hide dictionaries in compressed data, so each one is inflated and
    checked too; one we can't inflate (another filter, encryption, damage) is not trusted.
    """
    text, streams = _pdf_parts(data)
    if _has_active_names(text):
        return "active"
    budget = PDF_INFLATED_LIMIT
    for dictionary, start in streams:
        names = [name for name, _end in _pdf_names(dictionary)]
        if "ObjStm" not in names:
            continue
        if "DecodeParms" in names or [n for n in names if n.endswith("Decode")] != ["FlateDecode"]:
            return "unreadable"
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[start:], budget + 1)
        except zlib.error:
            return "unreadable"
        budget -= len(inflated)
        if budget < 0 or not inflater.eof:
            return "unreadable"
        if _has_active_names(inflated):
            return "active"
    return None


# Characters that change how a name is shown without being visible: controls, format
# characters (bidirectional overrides and isolates, zero-width joiners), line separators.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
LOOKS_LIKE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}")


def display_name(filename: str, max_length: int = 120, *, kind: str | None = None) -> str:
    """The user's file name, safe to show: no folders, no invisible or direction-changing
    characters, bounded length and, given the sniffed `kind`, the kind's real extension.

    Only ever displayed; files are stored under a generated name (GeneratedName).
    """
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in HIDDEN_CATEGORIES)
    name = " ".join(name.split()).lstrip(".")
    if kind in KINDS:
        stem, ext = os.path.splitext(name)
        if ext.lower() not in KIND_EXTENSIONS[kind]:
            # A name may say .exe or .pdf; what is shown is what the content is. Text after a
            # dot that is no extension ("v1.2 final") stays.
            stem = stem if LOOKS_LIKE_EXTENSION.fullmatch(ext) else name
            name = f"{stem or 'file'}{KINDS[kind][1]}"
    if len(name) > max_length:
        stem, ext = os.path.splitext(name)
        name = stem[: max_length - len(ext[:10])] + ext[:10]
    return name or "file"


def fingerprint(upload) -> tuple[int, str]:
    """The size and SHA-256 of the upload's bytes, read in chunks; the file is rewound after."""
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return size, digest.hexdigest()


def name_by_content(upload) -> str:
    """Give `upload` its shown name with the extension of its content, and return it."""
    upload.name = display_name(getattr(upload, "name", ""), kind=file_kind(upload))
    return upload.name


@deconstructible
class GeneratedName:
    """Store uploads under a random name in a folder; the user's file name is never used.

    The extension is kept only when it is one of ours; callers name the file by its content
    first (`display_name(..., kind=...)` or `name_by_content`).
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower()[:8]
        ext = ext if ext in {".pdf", ".png", ".jpg", ".jpeg"} else ""
        return f"{self.folder}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and self.folder == other.folder
