"""Attachment checks: the type comes from the bytes, must match the name, and is size-capped."""

from __future__ import annotations

import io
import zipfile

import pytest

from cohesion.grants.attachments import AttachmentError, check_upload, safe_filename


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
XLSX = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("plan.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("photo.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("budget.csv", b"item,cost\nhall,300\n", "text/csv"),
        ("notes.txt", "Café notes".encode(), "text/plain"),
        (
            "constitution.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "accounts.xlsx",
            XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("minutes.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_allowed_types_are_recognised_by_their_bytes(name, data, content_type):
    assert check_upload(name, data).content_type == content_type


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.pdf", b"\x89PNG\r\n\x1a\n....", "ends .pdf but its contents are a PNG image"),
        ("constitution.docx", XLSX, "ends .docx but its contents are a Excel spreadsheet"),
        ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00binary", "not a PDF, DOCX"),
        ("archive.zip", _zip({"a.txt": b"x"}), "must be a PDF"),
        ("report.docx", _zip({"a.txt": b"x"}), "not a PDF, DOCX"),
        ("script.exe", b"MZ\x90\x00", "must be a PDF"),
        ("noextension", b"%PDF-1.4", "must be a PDF"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_mismatches_and_other_types_are_refused(name, data, message):
    with pytest.raises(AttachmentError, match=message.replace(".", r"\.")):
        check_upload(name, data)


def test_size_limit_comes_from_settings(settings):
    settings.GRANT_ATTACHMENT_MAX_MB = 1
    check_upload("ok.pdf", b"%PDF-" + b"0" * (1024 * 1024 - 5))
    with pytest.raises(AttachmentError, match="smaller than 1MB"):
        check_upload("big.pdf", b"%PDF-" + b"0" * (1024 * 1024))


def test_safe_filename_drops_paths_and_quotes():
    assert safe_filename('C:\\Users\\me\\"plan".pdf') == "plan.pdf"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("") == "attachment"
