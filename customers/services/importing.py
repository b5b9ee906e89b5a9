"""CSV import of customers, run in the background with progress."""

import codecs
import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import phonenumbers
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.core.validators import validate_email as django_validate_email
from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

from lumytic.accounts import roles
from lumytic.core.access import require_perm
from lumytic.core.services import allocate_block

from .. import csvspec
from ..currencies import currency_codes
from ..models import Contact, Customer, CustomerGroup, CustomerImport, Tag
from .activity import record_activity

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
PREVIEW_LINES = 20
BATCH_SIZE = 2000
PREVIEW_CACHE_SECONDS = 300
TAG_SEPARATOR = "|"
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
KEY_LABELS = {
    "number": gettext_lazy("number"),
    "email": gettext_lazy("email"),
    "tax_id": gettext_lazy("tax ID"),
    "cr_number": gettext_lazy("CR number"),
}
CONTACT_COLUMNS = {
    "contact_first_name": "first_name",
    "contact_last_name": "last_name",
    "contact_email": "email",
    "contact_phone": "phone",
    "contact_position": "position",
}
# CSV columns whose names differ from the Customer field they fill.
FIELD_OF_COLUMN = {"active": "is_active"}
SHIPPING_FIELDS = [f"shipping_{part}" for part in Customer.ADDRESS_PARTS]
_whitespace = re.compile(r"\s+")
_not_word = re.compile(r"[\W_]+")
_parenthetical = re.compile(r"\s*\(.*\)\s*$")
_validate_url = URLValidator(schemes=["http", "https"])
# Plain addresses pass at once; anything else gets Django's full validators (same verdicts).
_plain_email = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_plain_url = re.compile(
    r"https?://((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
    r"(?:[/?#][^\s]*)?"
)


class ImportFileError(ValueError):
    """A file, mapping or step the import refuses; the message is for the user."""


@dataclass(frozen=True)
class FileInfo:
    delimiter: str
    headers: list[str]
    total_lines: int


# --- Reading the file ------------------------------------------------------------------------


def _detect_delimiter(head: str) -> str:
    first_line = head.splitlines()[0] if head else ""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _records(text, delimiter: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Split a text stream into its header and (first line number, cells) per non-blank record."""
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = [cell.strip() for cell in next(reader)]
    except StopIteration:
        headers = []

    def lines() -> Iterator[tuple[int, list[str]]]:
        previous = reader.line_num
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in row):
                yield start, row

    return headers, lines()


def _check_headers(headers: list[str]) -> None:
    if not any(headers):
        raise ImportFileError(_("The first line of the file must name the columns."))
    seen: set[str] = set()
    for header in headers:
        if header and header.casefold() in seen:
            raise ImportFileError(
                _("The column “%(name)s” appears twice in the header line; name each column once.")
                % {"name": header}
            )
        seen.add(header.casefold())


def inspect_upload(*, upload) -> FileInfo:
    """Check an uploaded CSV file (size, UTF-8, header line) and describe it."""
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large; the limit is %(limit)d MB.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(upload.read(65536))
    upload.seek(0)
    delimiter = _detect_delimiter(head)
    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        headers, lines = _records(text, delimiter)
        _check_headers(headers)
        total = sum(1 for _line in lines)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” "
                "and upload it again."
            )
        ) from error
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not a readable CSV file: %(error)s") % {"error": error}
        ) from error
    finally:
        text.detach()  # the upload stays open for saving
        upload.seek(0)
    if total == 0:
        raise ImportFileError(_("The file has no lines to import below its header line."))
    return FileInfo(delimiter=delimiter, headers=headers, total_lines=total)


@contextmanager
def _open_records(job: CustomerImport):
    """Yield the stored file's header and its records."""
    raw = job.file.storage.open(job.file.name, "rb")
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        yield _records(text, job.delimiter)
    finally:
        text.close()


def read_headers(*, job: CustomerImport) -> list[str]:
    """Return the column names of an import's file, as written in its first line."""
    with _open_records(job) as (headers, _lines):
        return headers


# --- Mapping columns -------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return _not_word.sub("", text.casefold())


def _column_names() -> dict[str, str]:
    """Map each normalised header, label and short label to its column header."""
    names: dict[str, str] = {}
    for language in (None, "en"):
        with translation.override(language) if language else _nothing():
            for column in csvspec.COLUMNS:
                label = str(column.label)
                for name in (column.header, label, _parenthetical.sub("", label)):
                    names.setdefault(_normalise(name), column.header)
    return names


@contextmanager
def _nothing():
    yield


def auto_mapping(*, headers: list[str]) -> dict[str, str]:
    """Guess which customer column each CSV column holds (each column used at most once)."""
    names = _column_names()
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        target = names.get(_normalise(header)) if header else None
        if target and target not in used:
            mapping[header] = target
            used.add(target)
    return mapping


def mapping_problems(*, headers: list[str], mapping: dict[str, str]) -> list[str]:
    """List what is wrong with a mapping of CSV columns to customer columns."""
    problems = []
    targets = [target for source, target in mapping.items() if target and source in headers]
    unknown = sorted(set(targets) - set(csvspec.HEADERS))
    if unknown:
        problems.append(_("Unknown customer columns: %(names)s.") % {"names": ", ".join(unknown)})
    doubled = sorted({target for target in targets if targets.count(target) > 1})
    for target in doubled:
        problems.append(
            _("More than one column is mapped to “%(label)s”; map it once.")
            % {"label": _label(target)}
        )
    if "name" not in targets:
        problems.append(
            _("Choose which column holds the “%(label)s”: it is required.")
            % {"label": _label("name")}
        )
    return problems


def _label(header: str) -> str:
    for column in csvspec.COLUMNS:
        if column.header == header:
            return _parenthetical.sub("", str(column.label))
    return header


# --- Checking lines --------------------------------------------------------------------------


class _Invalid(Exception):
    """One cell's problem."""


@dataclass(slots=True)
class Line:
    """One valid line, cleaned: customer field values plus what needs a lookup to store."""

    number: int
    fields: dict[str, Any]
    group: str = ""
    tags: list[str] | None = None
    contact: dict[str, Any] = field(default_factory=dict)
    keys: list[tuple[str, str]] = field(default_factory=list)
    existing: int | None = None


def _unneutralise(value: str) -> str:
    """Undo csvspec.neutralise, so exported files import again."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _text(max_length: int | None) -> Callable[[str], str]:
    def clean(value: str) -> str:
        if max_length and len(value) > max_length:
            raise _Invalid(_("longer than %(max)d characters") % {"max": max_length})
        return value

    return clean


def _email(value: str) -> str:
    if len(value) > 254:
        raise _Invalid(_("“%(value)s” is not a valid email address") % {"value": value})
    if _plain_email.fullmatch(value):
        return value
    try:
        django_validate_email(value)
    except ValidationError:
        raise _Invalid(_("“%(value)s” is not a valid email address") % {"value": value}) from None
    return value


def _url(value: str) -> str:
    # A website written without a scheme ("acme.com") is taken as https, like the form does.
    url = value if "://" in value else f"https://{value}"
    if len(url) > 200:
        raise _Invalid(_("longer than %(max)d characters") % {"max": 200})
    plain = _plain_url.fullmatch(url)
    if plain and len(plain[1]) <= 253:
        return url
    try:
        _validate_url(url)
    except ValidationError:
        raise _Invalid(_("“%(value)s” is not a valid web address") % {"value": value}) from None
    return url


def _phone(value: str, region: str | None) -> str:
    try:
        number = PhoneNumber.from_string(value, region=region or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.is_valid():
        return number.as_e164
    hint = "" if region or value.startswith("+") else _(" (start it with + and the country code)")
    raise _Invalid(
        _("“%(value)s” is not a valid phone number%(hint)s") % {"value": value, "hint": hint}
    )


def _country_names() -> dict[str, str]:
    names = {code.casefold(): code for code in countries.countries}
    for language in ("en", None):
        with translation.override(language) if language else _nothing():
            for country in countries:
                names.setdefault(str(country.name).casefold(), country.code)
    return names


def _country(names: dict[str, str]) -> Callable[[str], str]:
    def clean(value: str) -> str:
        code = names.get(value.casefold())
        if code is None:
            raise _Invalid(
                _("“%(value)s” is not an ISO 3166 country code (e.g. AE, DE, US)")
                % {"value": value}
            )
        return code

    return clean


def _currency(codes: frozenset[str]) -> Callable[[str], str]:
    def clean(value: str) -> str:
        code = value.upper()
        if code not in codes:
            raise _Invalid(_("“%(value)s” is not an ISO 4217 currency in use") % {"value": value})
        return code

    return clean


def _choice(choices) -> Callable[[str], str]:
    accepted = {}
    for value, label in choices:
        accepted[str(value).casefold()] = value
        accepted[str(label).casefold()] = value
    allowed = ", ".join(str(value) for value, _text_label in choices)

    def clean(value: str) -> str:
        try:
            return accepted[value.casefold()]
        except KeyError:
            raise _Invalid(
                _("“%(value)s” is not one of: %(allowed)s") % {"value": value, "allowed": allowed}
            ) from None

    return clean


def _decimal(model_field: models.DecimalField) -> Callable[[str], Decimal]:
    low = high = None
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    step = Decimal(1).scaleb(-model_field.decimal_places)
    limit = Decimal(10) ** (model_field.max_digits - model_field.decimal_places)

    def clean(value: str) -> Decimal:
        text = value.replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, common in semicolon files
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _Invalid(_("“%(value)s” is not a number") % {"value": value}) from None
        if not number.is_finite():
            raise _Invalid(_("“%(value)s” is not a number") % {"value": value})
        number = number.quantize(step, rounding=ROUND_HALF_UP)
        if low is not None and high is not None and not low <= number <= high:
            raise _Invalid(
                _("“%(value)s” must be between %(low)s and %(high)s")
                % {"value": value, "low": low, "high": high}
            )
        if low is not None and number < low:
            raise _Invalid(_("“%(value)s” must be %(low)s or more") % {"value": value, "low": low})
        if abs(number) >= limit:
            raise _Invalid(_("“%(value)s” is too large") % {"value": value})
        return number

    return clean


def _boolean(value: str) -> bool:
    word = value.casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise _Invalid(_("“%(value)s” is not yes or no") % {"value": value})


def _tags(value: str) -> list[str]:
    names: dict[str, str] = {}
    for part in value.split(TAG_SEPARATOR):
        name = _whitespace.sub(" ", part).strip()
        if len(name) > 50:
            raise _Invalid(_("“%(value)s” is longer than 50 characters") % {"value": name})
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def _key(kind: str, value: str) -> str:
    if kind == "email":
        return value.casefold()
    return _whitespace.sub("", value).casefold()


@dataclass
class Lookups:
    """What lines are checked against, loaded once: advisors and existing customers' keys."""

    advisors: dict[str, int]
    existing: dict[tuple[str, str], tuple[int, str]]

    @classmethod
    def load(cls, *, with_existing: bool = True) -> "Lookups":
        advisors = {
            email.casefold(): pk
            for pk, email in get_user_model().objects.staff().values_list("pk", "email")
        }
        existing: dict[tuple[str, str], tuple[int, str]] = {}
        if with_existing:
            rows = Customer.objects.values_list("pk", "number", "email", "tax_id", "cr_number")
            for pk, number, email, tax_id, cr_number in rows.iterator(chunk_size=10_000):
                for kind, value in (
                    ("number", number),
                    ("email", email),
                    ("tax_id", tax_id),
                    ("cr_number", cr_number),
                ):
                    if value:
                        existing.setdefault((kind, _key(kind, value)), (pk, number))
        return cls(advisors=advisors, existing=existing)


class LineChecker:
    """Check and clean lines of one file under one mapping, with no query per line."""

    def __init__(self, *, headers: list[str], mapping: dict[str, str], lookups: Lookups):
        self.headers = headers
        self.lookups = lookups
        index = {header: position for position, header in enumerate(headers) if header}
        self.columns = [
            (index[source], target)
            for source, target in mapping.items()
            if target in csvspec.HEADERS and source in index
        ]
        self.columns.sort(key=lambda item: csvspec.HEADERS.index(item[1]))
        country_names = _country_names()
        self.country_position = next((p for p, t in self.columns if t == "country"), None)
        self.clean_country = _country(country_names)
        self.cleaners: dict[str, Callable[[str], Any]] = {}
        for header in csvspec.HEADERS:
            self.cleaners[header] = self._cleaner(header, country_names)

    def _cleaner(self, header: str, country_names) -> Callable[[str], Any]:
        if header in CONTACT_COLUMNS:
            model_field = Contact._meta.get_field(CONTACT_COLUMNS[header])
        elif header == "advisor_email":
            return self._advisor
        elif header == "tags":
            return _tags
        elif header == "group":
            return _text(CustomerGroup._meta.get_field("name").max_length)
        elif header == "number":
            return _text(Customer._meta.get_field("number").max_length)
        else:
            model_field = Customer._meta.get_field(FIELD_OF_COLUMN.get(header, header))
        if header == "default_currency":
            return _currency(currency_codes())
        if isinstance(model_field, PhoneNumberField):
            return _phone  # needs the line's country, see check()
        if isinstance(model_field, models.EmailField):
            return _chain(_email, _text(model_field.max_length))
        if isinstance(model_field, models.URLField):
            return _url
        if isinstance(model_field, CountryField):
            return _country(country_names)
        if isinstance(model_field, models.DecimalField):
            return _decimal(model_field)
        if isinstance(model_field, models.BooleanField):
            return _boolean
        if model_field.choices:
            return _choice(model_field.choices)
        return _text(model_field.max_length)

    def _advisor(self, value: str) -> int:
        pk = self.lookups.advisors.get(value.casefold())
        if pk is None:
            raise _Invalid(_("no active staff member has the email “%(value)s”") % {"value": value})
        return pk

    def values(self, row: list[str]) -> dict[str, str]:
        """Return the line's cells by CSV column name, as written in the file."""
        return {
            header: row[position] if position < len(row) else ""
            for position, header in enumerate(self.headers)
            if header
        }

    def check(self, number: int, row: list[str]) -> tuple[Line | None, str]:
        """Clean one line; give the cleaned line, or None and the reasons it is refused."""
        size = len(row)
        problems: list[str] = []
        region = None
        if self.country_position is not None and self.country_position < size:
            raw = row[self.country_position].strip()
            if raw:
                region = _country_or_none(self.clean_country, raw)
        line = Line(number=number, fields={})
        fields = line.fields
        name_given = False
        for position, header in self.columns:
            if position >= size:
                continue
            value = row[position].strip()
            if not value:
                continue
            if value[0] == "'":
                value = _unneutralise(value)
            if header == "name":
                name_given = True
            cleaner = self.cleaners[header]
            try:
                cleaned = cleaner(value, region) if cleaner is _phone else cleaner(value)
            except _Invalid as problem:
                problems.append(f"{_label(header)}: {problem}.")
                continue
            if header in CONTACT_COLUMNS:
                line.contact[CONTACT_COLUMNS[header]] = cleaned
            elif header == "group":
                line.group = cleaned
            elif header == "tags":
                line.tags = cleaned
            elif header == "advisor_email":
                fields["advisor_id"] = cleaned
            elif header == "number":
                line.keys.append(("number", _key("number", cleaned)))
            else:
                fields[FIELD_OF_COLUMN.get(header, header)] = cleaned
                if header in KEY_LABELS:
                    line.keys.append((header, _key(header, cleaned)))
        if not name_given:
            problems.insert(0, _("%(label)s is required.") % {"label": _label("name")})
        if line.contact and "first_name" not in line.contact:
            problems.append(
                _("%(label)s is required when other contact details are given.")
                % {"label": _label("contact_first_name")}
            )
        if problems:
            return None, " ".join(problems)
        return line, ""


def _country_or_none(clean: Callable[[str], str], value: str) -> str | None:
    try:
        return clean(value)
    except _Invalid:
        return None


def _chain(*cleaners: Callable[[str], Any]) -> Callable[[str], Any]:
    def clean(value: str) -> Any:
        for cleaner in cleaners:
            value = cleaner(value)
        return value

    return clean


class DuplicateIndex:
    """Find lines that repeat an existing customer or an earlier line of the same file."""

    def __init__(self, *, existing: dict[tuple[str, str], tuple[int, str]], update: bool):
        self.existing = existing
        self.update = update
        self.seen: dict[tuple[str, str], int] = {}
        self.updated: dict[int, int] = {}

    def claim(self, line: Line) -> str:
        """Record a line's keys; give the reason it is a duplicate, or "" (sets line.existing)."""
        for key in line.keys:
            earlier = self.seen.get(key)
            if earlier is not None:
                return _("Duplicate of line %(line)d (same %(key)s).") % {
                    "line": earlier,
                    "key": KEY_LABELS[key[0]],
                }
        matches = {}
        for key in line.keys:
            found = self.existing.get(key)
            if found is not None:
                matches.setdefault(found, key[0])
        if len(matches) > 1:
            return _("Matches more than one customer: %(list)s.") % {
                "list": ", ".join(
                    _("%(number)s by %(key)s") % {"number": number, "key": KEY_LABELS[kind]}
                    for (_pk, number), kind in matches.items()
                )
            }
        if matches:
            (pk, customer_number), kind = next(iter(matches.items()))
            if not self.update:
                return _("Duplicate of existing customer %(number)s (same %(key)s).") % {
                    "number": customer_number,
                    "key": KEY_LABELS[kind],
                }
            earlier = self.updated.get(pk)
            if earlier is not None:
                return _("Duplicate of line %(line)d (same customer %(number)s).") % {
                    "line": earlier,
                    "number": customer_number,
                }
            self.updated[pk] = line.number
            line.existing = pk
        for key in line.keys:
            self.seen[key] = line.number
        return ""


# --- Preview ---------------------------------------------------------------------------------


@dataclass
class PreviewLine:
    number: int
    cells: list[str]
    reason: str
    action: str  # "create", "update", "duplicate" or "invalid"


@dataclass
class Preview:
    headers: list[str]
    lines: list[PreviewLine]
    counts: dict[str, int]


def _classify(line: Line | None, reason: str, duplicates: DuplicateIndex) -> tuple[str, str]:
    if line is None:
        return "invalid", reason
    duplicate = duplicates.claim(line)
    if duplicate:
        return "duplicate", duplicate
    return ("update" if line.existing else "create"), ""


def preview_import(*, job: CustomerImport, mapping: dict[str, str], update_existing: bool):
    """Check every line of a file under a mapping: counts by outcome and the first lines."""
    lookups = Lookups.load()
    state = Customer.objects.aggregate(count=models.Count("pk"), last=models.Max("pk"))
    signature = json.dumps([sorted(mapping.items()), update_existing, state], default=str)
    cache_key = (
        f"customers:import-preview:{job.pk}:{hashlib.sha256(signature.encode()).hexdigest()}"
    )
    counts = cache.get(cache_key)
    with _open_records(job) as (headers, records):
        if mapping_problems(headers=headers, mapping=mapping):
            mapping = {}
        checker = LineChecker(headers=headers, mapping=mapping, lookups=lookups)
        duplicates = DuplicateIndex(existing=lookups.existing, update=update_existing)
        shown: list[PreviewLine] = []
        tally = {"create": 0, "update": 0, "duplicate": 0, "invalid": 0}
        for number, row in records:
            line, reason = checker.check(number, row)
            action, reason = _classify(line, reason, duplicates)
            tally[action] += 1
            if len(shown) < PREVIEW_LINES:
                shown.append(PreviewLine(number=number, cells=row, reason=reason, action=action))
            elif counts is not None:
                break  # the counts are known; only the first lines were needed
    if counts is None:
        counts = tally
        cache.set(cache_key, counts, PREVIEW_CACHE_SECONDS)
    return Preview(headers=headers, lines=shown, counts=counts)


# --- Starting, confirming, discarding --------------------------------------------------------


@transaction.atomic
def start_import(*, upload, info: FileInfo, update_existing: bool, by) -> CustomerImport:
    """Store an uploaded CSV file as an import awaiting confirmation, with a guessed mapping."""
    require_perm(by, roles.IMPORT_CUSTOMERS)
    upload.seek(0)
    return CustomerImport.objects.create(
        file=upload,
        original_name=(getattr(upload, "name", "") or "customers.csv")[:255],
        delimiter=info.delimiter,
        mapping=auto_mapping(headers=info.headers),
        update_existing=update_existing,
        total_lines=info.total_lines,
        created_by=by,
    )


def _locked_preview(job: CustomerImport) -> CustomerImport:
    job = CustomerImport.objects.select_for_update().get(pk=job.pk)
    if job.status != CustomerImport.Status.PREVIEW:
        raise ImportFileError(_("This import has already been started."))
    return job


@transaction.atomic
def change_import_mapping(
    *, job: CustomerImport, mapping: dict[str, str], update_existing: bool, by
) -> CustomerImport:
    """Save the column mapping and duplicate handling of an import awaiting confirmation."""
    require_perm(by, roles.IMPORT_CUSTOMERS)
    job = _locked_preview(job)
    job.mapping = {source: target for source, target in mapping.items() if target}
    job.update_existing = update_existing
    job.save(update_fields=["mapping", "update_existing"])
    return job


@transaction.atomic
def confirm_import(
    *, job: CustomerImport, mapping: dict[str, str], update_existing: bool, by
) -> CustomerImport:
    """Queue an import with its final mapping; the work starts in the background after commit."""
    require_perm(by, roles.IMPORT_CUSTOMERS)
    from ..tasks import run_customer_import  # the tasks module imports this one

    job = _locked_preview(job)
    problems = mapping_problems(headers=read_headers(job=job), mapping=mapping)
    if problems:
        raise ImportFileError(" ".join(problems))
    job.mapping = {source: target for source, target in mapping.items() if target}
    job.update_existing = update_existing
    job.status = CustomerImport.Status.QUEUED
    job.save(update_fields=["mapping", "update_existing", "status"])
    transaction.on_commit(lambda: run_customer_import.delay(job.pk))
    return job


@transaction.atomic
def discard_import(*, job: CustomerImport, by) -> None:
    """Delete an import that was never confirmed, and its file."""
    require_perm(by, roles.IMPORT_CUSTOMERS)
    job = _locked_preview(job)
    name, storage = job.file.name, job.file.storage
    job.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Running ---------------------------------------------------------------------------------


def _column_defaults(instance: models.Model) -> dict[str, Any]:
    """Each column's database value for a new instance, by attribute name (the id left out)."""
    connection = connections[router.db_for_write(type(instance))]
    return {
        model_field.attname: model_field.get_db_prep_save(
            model_field.pre_save(instance, True), connection
        )
        for model_field in instance._meta.concrete_fields
        if not model_field.primary_key
    }


def _insert(model: type[models.Model], rows: list[dict[str, Any]], returning=False) -> list[int]:
    """Insert rows of database values; give their new ids when asked."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        objects = model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
        return [obj.pk for obj in objects]
    # COPY, with the ids drawn from the sequence first: 100,000 lines take seconds, not minutes.
    table = model._meta.db_table
    names = list(rows[0])
    with connection.cursor() as cursor:
        ids: list[int] = []
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(connection.ops.quote_name(name) for name in ["id", *names][not ids :])
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            if ids:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *(row[name] for name in names)))
            else:
                for row in rows:
                    copy.write_row(tuple(row[name] for name in names))
    return ids


def _refresh_statistics(model: type[models.Model]) -> None:
    """Refresh the planner statistics of a table that has just grown from (nearly) empty."""
    # Foreign-key checks keep the plan made while the table was empty (a full scan) for the
    # whole connection, so every batch would be slower than the last; ANALYZE replans them.
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _update_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Write database values to existing rows (by "id"): one statement per set of columns."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        columns = tuple(name for name in row if name != "id")
        by_columns.setdefault(columns, []).append([*(row[c] for c in columns), row["id"]])
    with connection.cursor() as cursor:
        for columns, params in by_columns.items():
            assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
                params,
            )


class _Writer:
    """Store checked lines in batches: new customers in bulk, existing ones updated in bulk."""

    def __init__(self):
        self.default_group = CustomerGroup.default().pk
        self.groups = {
            name.casefold(): pk for pk, name in CustomerGroup.objects.values_list("pk", "name")
        }
        self.tags = {name.casefold(): pk for pk, name in Tag.objects.values_list("pk", "name")}
        self.defaults = _column_defaults(Customer(group_id=self.default_group))
        self.contact_defaults = _column_defaults(Contact(customer_id=0))

    def _group(self, name: str) -> int:
        if not name:
            return self.default_group
        pk = self.groups.get(name.casefold())
        if pk is None:
            pk = CustomerGroup.objects.get_or_create(
                name=name, defaults={"description": _("Created by a customer import")}
            )[0].pk
            self.groups[name.casefold()] = pk
        return pk

    def _tag_ids(self, lines: list[Line]) -> None:
        missing = {
            name.casefold(): name
            for line in lines
            for name in line.tags or ()
            if name.casefold() not in self.tags
        }
        if missing:
            Tag.objects.bulk_create([Tag(name=n) for n in missing.values()], ignore_conflicts=True)
            for pk, name in Tag.objects.filter(name__in=missing.values()).values_list("pk", "name"):
                self.tags[name.casefold()] = pk

    def write(self, lines: list[Line]) -> tuple[int, int]:
        """Store one batch; give the numbers of customers created and updated."""
        new = [line for line in lines if line.existing is None]
        old = [line for line in lines if line.existing is not None]
        self._tag_ids(lines)
        if new:
            self._create(new)
        if old:
            self._update(old)
        return len(new), len(old)

    def _create(self, lines: list[Line]) -> None:
        numbers = allocate_block(kind="CUS", count=len(lines), yearly=False, width=6)
        now = timezone.now()
        base = {**self.defaults, "created_at": now, "updated_at": now}
        rows = []
        for line, number in zip(lines, numbers, strict=True):
            row = {**base, **line.fields, "number": number, "group_id": self._group(line.group)}
            if row["shipping_same_as_billing"]:
                for part in Customer.ADDRESS_PARTS:
                    row[f"shipping_{part}"] = row[f"billing_{part}"]
            rows.append(row)
        ids = _insert(Customer, rows, returning=True)
        contacts = [
            {**self.contact_defaults, **line.contact, "customer_id": pk, "is_primary": True}
            for line, pk in zip(lines, ids, strict=True)
            if line.contact
        ]
        _insert(Contact, contacts)
        links = [
            {"customer_id": pk, "tag_id": self.tags[name.casefold()]}
            for line, pk in zip(lines, ids, strict=True)
            for name in line.tags or ()
        ]
        _insert(Customer.tags.through, links)

    def _update(self, lines: list[Line]) -> None:
        now = timezone.now()
        ids = [line.existing for line in lines]
        rows = []
        for line in lines:
            row = {**line.fields, "updated_at": now, "id": line.existing}
            if line.group:
                row["group_id"] = self._group(line.group)
            rows.append(row)
        _update_rows(Customer, rows)
        # Shipping follows billing, whichever of the two the line changed.
        Customer.objects.filter(pk__in=ids, shipping_same_as_billing=True).update(
            **{field: F(f"billing_{field[9:]}") for field in SHIPPING_FIELDS}
        )

        with_contact = [line for line in lines if line.contact]
        primaries = dict(
            Contact.objects.filter(
                customer_id__in=[line.existing for line in with_contact], is_primary=True
            ).values_list("customer_id", "pk")
        )
        _update_rows(
            Contact,
            [
                {**line.contact, "id": primaries[line.existing]}
                for line in with_contact
                if line.existing in primaries
            ],
        )
        _insert(
            Contact,
            [
                {**self.contact_defaults, **line.contact, "customer_id": line.existing}
                | {"is_primary": True}
                for line in with_contact
                if line.existing not in primaries
            ],
        )

        tagged = [line for line in lines if line.tags is not None]
        if tagged:
            through = Customer.tags.through
            through.objects.filter(customer_id__in=[line.existing for line in tagged]).delete()
            _insert(
                through,
                [
                    {"customer_id": line.existing, "tag_id": self.tags[name.casefold()]}
                    for line in tagged
                    for name in line.tags
                ],
            )


def _claim(job_id: int) -> CustomerImport | None:
    """Mark a queued import running; a job found running was interrupted and is failed."""
    with transaction.atomic():
        job = CustomerImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("Customer import %s does not exist", job_id)
            return None
        if job.status == CustomerImport.Status.RUNNING:
            job.status = CustomerImport.Status.FAILED
            job.failure = _(
                "The import was interrupted after %(done)d of %(total)d lines. The lines before "
                "that are imported; upload the file again to import the rest (lines already "
                "imported are reported as duplicates)."
            ) % {"done": job.processed_lines, "total": job.total_lines}
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "failure", "finished_at"])
            return None
        if job.status != CustomerImport.Status.QUEUED:
            return None
        job.status = CustomerImport.Status.RUNNING
        job.started_at = timezone.now()
        job.processed_lines = job.created_count = job.updated_count = job.skipped_count = 0
        job.errors = []
        job.failure = ""
        job.save()
    return job


def run_import(*, job_id: int) -> None:
    """Import the accepted lines of one import job, updating its progress as it goes."""
    job = _claim(job_id)
    if job is None:
        return
    progress: dict[str, Any] = {
        "processed": 0,
        "created": 0,
        "updated": 0,
        "errors": [],
        "kept": 0,
        "analysed": False,
    }
    try:
        _run(job, progress)
    except Exception as error:
        logger.exception("Customer import %s failed", job.pk)
        CustomerImport.objects.filter(pk=job.pk).update(
            status=CustomerImport.Status.FAILED,
            failure=_(
                "The import stopped after %(done)d of %(total)d lines because of an unexpected "
                "error (%(error)s). Lines before that are imported; the batch that failed is "
                "not."
            )
            % {
                "done": progress["processed"],
                "total": job.total_lines,
                "error": f"{type(error).__name__}: {error}"[:500],
            },
            errors=progress["errors"][: progress["kept"]],
            skipped_count=progress["kept"],
            finished_at=timezone.now(),
        )


def _run(job: CustomerImport, progress: dict[str, Any]) -> None:
    if not job.total_lines:
        with _open_records(job) as (_headers, records):
            job.total_lines = sum(1 for _record in records)
        CustomerImport.objects.filter(pk=job.pk).update(total_lines=job.total_lines)
    lookups = Lookups.load()
    writer = _Writer()
    errors: list[dict[str, Any]] = progress["errors"]
    with _open_records(job) as (headers, records):
        checker = LineChecker(headers=headers, mapping=job.mapping, lookups=lookups)
        duplicates = DuplicateIndex(existing=lookups.existing, update=job.update_existing)
        batch: list[Line] = []
        processed = 0

        def flush() -> None:
            with transaction.atomic():
                created, updated = writer.write(batch)
                progress["created"] += created
                progress["updated"] += updated
                CustomerImport.objects.filter(pk=job.pk).update(
                    processed_lines=processed,
                    created_count=progress["created"],
                    updated_count=progress["updated"],
                    skipped_count=len(errors),
                )
            progress["processed"] = processed
            progress["kept"] = len(errors)
            batch.clear()
            if created and not progress["analysed"]:
                _refresh_statistics(Customer)
                progress["analysed"] = True

        for number, row in records:
            line, reason = checker.check(number, row)
            if line is not None:
                reason = duplicates.claim(line)
            if reason:
                errors.append({"line": number, "reason": reason, "values": checker.values(row)})
            else:
                batch.append(line)
            processed += 1
            if processed % BATCH_SIZE == 0:
                flush()
        flush()

    with transaction.atomic():
        job = CustomerImport.objects.select_for_update().get(pk=job.pk)
        job.status = CustomerImport.Status.DONE
        job.total_lines = processed
        job.processed_lines = processed
        job.created_count = progress["created"]
        job.updated_count = progress["updated"]
        job.skipped_count = len(errors)
        job.errors = errors
        job.finished_at = timezone.now()
        job.save()
        record_activity(
            actor=job.created_by,
            verb="imported",
            target=job,
            details={
                "file": job.original_name,
                "lines": processed,
                "created": job.created_count,
                "updated": job.updated_count,
                "skipped": job.skipped_count,
            },
        )


# --- Reports ---------------------------------------------------------------------------------


def sample_rows() -> list[list[str]]:
    """Return the sample file: the header line and two example customers."""
    examples = [
        {
            "name": "Acme Trading FZE",
            "type": "company",
            "group": "Distributors",
            "email": "info@acme-trading.example",
            "phone": "+971 4 234 5678",
            "website": "https://acme-trading.example",
            "country": "AE",
            "state": "Dubai",
            "address": "Office 1204, Jumeirah Lake Towers, Dubai",
            "default_currency": "AED",
            "discount_type": "percent",
            "discount_value": "5",
            "tax_type": "standard",
            "tax_rate": "5",
            "tax_id": "100234567800003",
            "cr_number": "CR-778812",
            "late_payment_exempt": "no",
            "billing_first_name": "Omar",
            "billing_last_name": "Haddad",
            "billing_commercial_name": "Acme Trading",
            "billing_email": "accounts@acme-trading.example",
            "billing_country": "AE",
            "billing_state": "Dubai",
            "billing_city": "Dubai",
            "billing_street": "Cluster X, JLT",
            "billing_postal_code": "00000",
            "shipping_same_as_billing": "yes",
            "tags": "key account|gulf",
            "active": "yes",
            "contact_first_name": "Omar",
            "contact_last_name": "Haddad",
            "contact_email": "omar@acme-trading.example",
            "contact_phone": "+971 50 123 4567",
            "contact_position": "Purchasing manager",
        },
        {
            "name": "Nordlicht Handels GmbH",
            "type": "company",
            "email": "einkauf@nordlicht.example",
            "phone": "+49 30 1234567",
            "website": "nordlicht.example",
            "country": "DE",
            "state": "Berlin",
            "default_currency": "EUR",
            "tax_type": "reverse",
            "tax_rate": "0",
            "tax_id": "DE123456789",
            "late_payment_exempt": "yes",
            "billing_first_name": "Anna",
            "billing_last_name": "Schmidt",
            "billing_country": "DE",
            "billing_city": "Berlin",
            "billing_street": "Friedrichstraße 10",
            "billing_postal_code": "10117",
            "shipping_same_as_billing": "no",
            "shipping_first_name": "Lager",
            "shipping_last_name": "Nordlicht",
            "shipping_country": "DE",
            "shipping_city": "Hamburg",
            "shipping_street": "Hafenweg 3",
            "shipping_postal_code": "20457",
            "tags": "europe",
            "active": "yes",
            "contact_first_name": "Anna",
            "contact_last_name": "Schmidt",
            "contact_email": "anna.schmidt@nordlicht.example",
            "contact_position": "Head of purchasing",
        },
    ]
    rows = [list(csvspec.HEADERS)]
    rows += [[csvspec.neutralise(ex.get(h, "")) for h in csvspec.HEADERS] for ex in examples]
    return rows


def rejected_rows(*, job: CustomerImport) -> Iterator[list[str]]:
    """Yield the rejected lines as CSV rows: the file's columns, then line and reason."""
    headers = [header for header in read_headers(job=job) if header]
    yield [*headers, "line", "reason"]
    for error in job.errors:
        values = error.get("values", {})
        yield [
            *(csvspec.neutralise(values.get(header, "")) for header in headers),
            str(error["line"]),
            csvspec.neutralise(error["reason"]),
        ]
