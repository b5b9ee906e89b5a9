"""Upload checks: content decides the type, markup anywhere in an image is refused, names unused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lumytic.core.uploads import ContentTypeValidator, GeneratedName, display_name

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def image(kind: str = "PNG", size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=kind)
    return buffer.getvalue()


def upload(content: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(content: bytes, name: str = "file.pdf", **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        ContentTypeValidator(**kwargs)(upload(content, name))
    return caught.value


@pytest.mark.parametrize(
    "content,name",
    [(PDF, "a.pdf"), (image("PNG"), "a.png"), (image("JPEG"), "a.jpg"), (PDF, "no-extension")],
)
def test_real_pdf_png_and_jpeg_are_accepted_whatever_their_name(content, name):
    ContentTypeValidator()(upload(content, name))


def test_html_renamed_pdf_is_refused_by_its_content():
    error = refusal(b"<!DOCTYPE html><html><script>alert(1)</script></html>", "invoice.pdf")
    assert error.code == "bad_type"
    assert "not an accepted type" in error.messages[0] and "PDF, PNG, JPEG" in error.messages[0]


def test_svg_is_refused():
    error = refusal(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "a.svg")
    assert error.code == "bad_type"


def test_png_with_html_appended_is_refused():
    error = refusal(image() + b"<html><script>alert(1)</script></html>", "a.png")
    assert error.code == "markup" and "contains markup" in error.messages[0]


def test_markup_hidden_in_the_middle_of_a_large_image_is_refused():
    """Not only the first and last 8 KB: the whole image is scanned, across chunk borders."""
    padding = b"\0" * 65_530  # the marker straddles the scanner's first chunk boundary
    content = image() + padding + b"<script>alert(1)</script>" + b"\0" * 100_000
    assert refusal(content, "a.png").code == "markup"


def test_a_jpeg_with_an_svg_inside_is_refused():
    assert refusal(image("JPEG") + b"<svg onload=alert(1)>", "a.jpg").code == "markup"


def test_an_empty_file_is_refused():
    error = refusal(b"", "empty.pdf")
    assert error.code == "empty" and error.messages == ["The file is empty."]


def test_an_oversized_file_is_refused_with_the_limit():
    error = refusal(PDF + b"0" * 3000, "big.pdf", max_bytes=2048)
    assert error.code == "too_large" and "limit is 2.0\xa0KB" in error.messages[0]


def test_a_kind_not_allowed_for_the_field_is_refused():
    error = refusal(PDF, "logo.pdf", kinds=("png", "jpeg"))
    assert error.code == "bad_type" and "PNG, JPEG" in error.messages[0]


def test_the_file_is_rewound_after_checking():
    file = upload(image(), "a.png")
    ContentTypeValidator()(file)
    assert file.tell() == 0


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/passwd.pdf"]
)
def test_path_traversal_names_are_never_used_for_storage(name):
    stored = GeneratedName("sales/signed")(None, name)
    assert stored.startswith("sales/signed/") and stored.count("/") == 2
    assert ".." not in stored and "passwd" not in stored and "win" not in stored
    assert stored.endswith(".pdf")


def test_an_unknown_extension_is_dropped_from_the_generated_name():
    assert "." not in GeneratedName("x")(None, "evil.html").split("/")[-1]


@pytest.mark.parametrize(
    "name,shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\evil.pdf", "evil.pdf"),
        ("sig\x00ned\n.pdf", "signed.pdf"),
        ("..", "file"),
        ("", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_display_names_keep_no_folders_or_control_characters(name, shown):
    assert display_name(name) == shown
