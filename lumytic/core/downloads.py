"""Downloads: streamed CSV in constant memory, and stored files as safe attachments."""

import csv
import os
from collections.abc import Iterable, Iterator

from django.core.files import File
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.cache import patch_cache_control

from .uploads import HEAD_BYTES, KINDS, display_name, sniff_kind


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    """Stream rows as a CSV attachment; rows are produced and sent one at a time."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel reads UTF-8 only with a BOM
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_attachment(file: File, *, filename: str) -> FileResponse:
    """A stored file as a download: an attachment, never sniffed, never cached by proxies.

    The stored bytes decide the content type (PDF, PNG, JPEG, else octet-stream) and the
    extension of `filename`, never the name or extension the file was uploaded or stored
    under. A file missing from the storage is a 404.
    """
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The file is missing from the storage.") from error
    kind = sniff_kind(handle.read(HEAD_BYTES))
    handle.seek(0)
    if kind in KINDS:
        content_type = KINDS[kind][0]
        filename = display_name(filename, max_length=200, kind=kind)
    else:
        content_type = "application/octet-stream"
        filename = display_name(os.path.splitext(filename)[0], max_length=200)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response
