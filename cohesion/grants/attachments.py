"""Checks on uploaded supporting documents: allowed types by their bytes, and size.

The browser's content type is never trusted: the type is sniffed from the file's
first bytes (and, for Office and OpenDocument files, from the names inside the
zip), and it must agree with the file name's extension.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings


class AttachmentError(ValueError):
    """The upload was refused; the message is for the user."""


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
DOCX = Kind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ODT = Kind("OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
CSV = Kind("CSV file", "text/csv", (".csv",))
TXT = Kind("text file", "text/plain", (".txt",))
KINDS = (PDF, DOCX, XLSX, ODT, PNG, JPEG, CSV, TXT)
ALLOWED_EXTENSIONS = tuple(e for k in KINDS for e in k.extensions)
ALLOWED_DESCRIPTION = "PDF, DOCX, XLSX, ODT, PNG, JPEG, CSV or TXT"


def max_bytes() -> int:
    return int(settings.GRANT_ATTACHMENT_MAX_MB) * 1024 * 1024


def _zip_kind(data: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.read("mimetype").strip() == ODT.content_type.encode()
            ):
                return ODT
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def sniff(data: bytes, extension: str) -> Kind | None:
    """The kind of file the bytes are, or None if they are none of the allowed kinds."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if _is_text(data):
        return CSV if extension == ".csv" else TXT
    return None


def check_upload(filename: str, data: bytes) -> Kind:
    """The file's kind, or AttachmentError saying why it is refused."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if not data:
        raise AttachmentError("The selected file is empty")
    limit = int(settings.GRANT_ATTACHMENT_MAX_MB)
    if len(data) > max_bytes():
        raise AttachmentError(f"The selected file must be smaller than {limit}MB")
    if extension not in ALLOWED_EXTENSIONS:
        raise AttachmentError(f"The selected file must be a {ALLOWED_DESCRIPTION}")
    kind = sniff(data, extension)
    if kind is None:
        raise AttachmentError(
            f"The selected file is not a {ALLOWED_DESCRIPTION}: its contents are not a type we accept"
        )
    if extension not in kind.extensions:
        raise AttachmentError(
            f"The selected file's name ends {extension} but its contents are a {kind.label}: "
            "rename it or choose another file"
        )
    return kind


def safe_filename(filename: str) -> str:
    """The base name only, without path or control characters, at most 200 characters."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"\r\n')
    return (name or "attachment")[-200:]
