"""What a file really is, from its first bytes rather than its name.

People rename files (an .xlsx saved as .csv, a CSV called .xls), so the reader is chosen by
content: a zip holding a workbook part is xlsx or ods, an OLE2 compound file is a legacy .xls
(or an encrypted xlsx, which Excel stores in OLE2 as "EncryptedPackage"), and anything that
decodes as text is CSV. Other binaries are refused with a sentence.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from telecrm_desktop.core.sources.encoding import utf16_without_bom
from telecrm_desktop.core.sources.table import SourceError

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# What reading a damaged zip can raise (a bad header, a broken deflate stream, a missing part).
ZIP_PROBLEMS = (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError, NotImplementedError, RuntimeError)

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_BINARY_SHARE = 0.05  # share of control characters above which a "CSV" is really a binary file
_TEXT_CONTROLS = {9, 10, 12, 13, 26}  # tab, line ends, form feed, DOS end-of-file

# Signatures of common files that are certainly not sheets (pictures, PDFs, archives). Short
# text-like ones ("MZ", "ID3") are left to the control-character test: a CSV may start so.
_OTHER_BINARIES = (
    b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"\x1f\x8b", b"7z\xbc\xaf",
    b"Rar!\x1a", b"\x7fELF", b"\xfd7zXZ",
)


def not_a_sheet(path: Path) -> SourceError:
    return SourceError(f"{path.name} is not a spreadsheet or CSV file.")


def password_protected(path: Path) -> SourceError:
    return SourceError(
        f"{path.name} is protected by a password; open it in Excel, remove the password "
        "(File > Info > Protect Workbook) and save it again."
    )


def damaged(path: Path, kind: str = "xlsx") -> SourceError:
    what, app = ("spreadsheet", "LibreOffice") if kind == "ods" else ("Excel file", "Excel")
    return SourceError(f"{path.name} is damaged or not a complete {what}; open it in {app} and save it again.")


_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<table", b"<?xml")


def web_page_or_xml(path: Path, head: bytes) -> SourceError | None:
    """Web exports often save an HTML table, or Excel 2003 XML, under an .xls name."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start.startswith(_MARKUP_STARTS):
        return None
    what = "an XML file" if start.startswith(b"<?xml") and b"<html" not in start[:1024] else "a web page (HTML)"
    return SourceError(
        f"{path.name} is {what}, not a spreadsheet or CSV file; open it in Excel and save it as .xlsx or .csv."
    )


def file_kind(path: Path, head: bytes) -> str:
    """"csv", "xlsx", "xls" or "ods" for the file at `path` whose first bytes are `head`."""
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(OLE2_MAGIC):
        if _holds_encrypted_package(path):
            raise password_protected(path)
        return "xls"
    if head.startswith(b"\x09\x08") or head.startswith(b"\x09\x04") or head.startswith(b"\x09\x02"):
        return "xls"  # BIFF2-4 files written without an OLE2 wrapper
    if head.startswith(_OTHER_BINARIES):
        raise not_a_sheet(path)
    markup = web_page_or_xml(path, head)
    if markup:
        raise markup
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
            if "content.xml" in names or "mimetype" in names:
                if "mimetype" in names and archive.read("mimetype").strip() != _ODS_MIMETYPE:
                    raise not_a_sheet(path)
                if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
                    raise password_protected(path)
                return "ods"
    except ZIP_PROBLEMS:
        raise damaged(path, "ods" if path.suffix.lower() == ".ods" else "xlsx") from None
    raise not_a_sheet(path)


def _holds_encrypted_package(path: Path) -> bool:
    """True for an OLE2 file with an "EncryptedPackage" stream (an xlsx saved with a password)."""
    overlap = len(_ENCRYPTED_PACKAGE)
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if _ENCRYPTED_PACKAGE in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def looks_binary(sample: bytes) -> bool:
    """Control characters other than tab, line ends and NUL padding do not occur in text."""
    head = sample[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        return False
    text = head.replace(b"\x00", b"")
    if not text:
        return True
    controls = sum(text.count(bytes([c])) for c in range(32) if c not in _TEXT_CONTROLS)
    return controls > _BINARY_SHARE * len(text)
