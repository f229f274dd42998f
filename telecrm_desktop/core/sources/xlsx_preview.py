"""The workbook parts every .xlsx reader here shares (sheet names and parts, styles, dates), and
PreviewUnavailable for the first rows of a sheet read straight from the zip (xlsx_stream.xlsx_preview).

calamine loads a whole sheet before it hands over the first row (about 2 s for 100,000 rows of
20 columns), so the desktop app's first screen would wait for all of it. The preview is the
start of xlsx_stream's pass over the sheet: it stops at the rows asked for, and the shared
strings are read only up to the largest index those rows use (Excel writes strings in order of
first use, so that is the file's head).

Cells come out as calamine gives them (see excel_source): numbers are float, date-formatted
numbers are date/datetime/time/timedelta by calamine's rules, errors and empty cells are None.
Anything unexpected (a DOCTYPE, an unknown cell type, a damaged part, a workbook or styles part
beyond MAX_XML_BYTES) raises PreviewUnavailable and the caller reads the sheet the normal way.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import zipfile
from pathlib import Path
from xml.etree.ElementTree import XMLPullParser

from telecrm_desktop.core.sources.table import CellValue

MAX_XML_BYTES = 20 * 1024 * 1024  # uncompressed XML read of workbook.xml, its rels or styles.xml
_CHUNK = 64 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DATE_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47}
_DURATION_IDS = {46}
_EPOCH = dt.datetime(1899, 12, 30)
MS_PER_DAY = 86_400_000
_DATE_1904_SHIFT = 1462  # days between the two date systems


class PreviewUnavailable(Exception):
    """The fast path cannot vouch for this file; read it with calamine instead."""


# -- parts ---------------------------------------------------------------------------------
def _parse(archive: zipfile.ZipFile, name: str):
    """Stream the elements of one part as (event, element), refusing DTDs and oversized parts."""
    parser = XMLPullParser(events=("start", "end"))
    read = 0
    tail = b""
    with archive.open(name) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_XML_BYTES:
                raise PreviewUnavailable(f"{name} is too big to preview")
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise PreviewUnavailable(f"{name} declares a DTD")
            tail = chunk[-16:]
            parser.feed(chunk)
            yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _whole(archive: zipfile.ZipFile, name: str):
    """The root element of a small part, read through the same guarded parser."""
    root = None
    for event, element in _parse(archive, name):
        if root is None:
            root = element
    if root is None:
        raise PreviewUnavailable(f"{name} is empty")
    return root


def sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> tuple[str, bool]:
    workbook = _whole(archive, "xl/workbook.xml")
    if not workbook.tag.startswith("{" + _MAIN):
        raise PreviewUnavailable("not a transitional SpreadsheetML workbook")  # strict files: calamine
    rels = _whole(archive, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    date1904 = any(
        (pr.get("date1904") or "").lower() in ("1", "true") for pr in workbook.iter(f"{{{_MAIN}}}workbookPr")
    )
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        if sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
            if not target:
                break
            return _part_name(target), date1904
    raise PreviewUnavailable(f"no part for sheet {sheet_name!r}")


_CHARTSHEET = "/chartsheet"
_SHARED_STRINGS = "/sharedStrings"


def shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The workbook's shared string part, as its relationships name it (None: no strings)."""
    rels = _whole(archive, "xl/_rels/workbook.xml.rels")
    names = set(archive.namelist())
    for rel in rels.iter(f"{{{_PKG_REL}}}Relationship"):
        target = rel.get("Target") or ""
        if (rel.get("Type") or "").endswith(_SHARED_STRINGS) and target:
            part = _part_name(target)
            return part if part in names else None
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None


def _part_name(target: str) -> str:
    """A relationship's target, relative to xl/ unless absolute, as a zip member name."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def xlsx_sheet_names(path: Path) -> tuple[list[str], list[str]]:
    """Every worksheet name in workbook order and the visible ones, read from xl/workbook.xml
    without loading anything else (calamine reads all the shared strings when it opens a
    workbook: 240 MB and 2 s for an Excel-limit sheet). Chart sheets are left out, as calamine's
    listing does. Raises PreviewUnavailable when only calamine can tell."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = _whole(archive, "xl/workbook.xml")
            if not workbook.tag.startswith("{" + _MAIN):
                raise PreviewUnavailable("not a transitional SpreadsheetML workbook")
            rels = _whole(archive, "xl/_rels/workbook.xml.rels")
    except PreviewUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - any surprise means "ask calamine"
        raise PreviewUnavailable(f"{type(error).__name__}: {error}") from None
    types = {r.get("Id"): r.get("Type") or "" for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    names, visible = [], []
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        name = sheet.get("name")
        if name is None or types.get(sheet.get(f"{{{_REL_NS}}}id"), "").endswith(_CHARTSHEET):
            continue
        names.append(name)
        if (sheet.get("state") or "visible") == "visible":
            visible.append(name)
    return names, visible


def style_kinds(archive: zipfile.ZipFile) -> list[str]:
    """For each cellXfs index: "date", "duration" or "" (calamine's reading of its number format)."""
    if "xl/styles.xml" not in archive.namelist():
        return []
    styles = _whole(archive, "xl/styles.xml")
    custom = {}
    for fmt in styles.iter(f"{{{_MAIN}}}numFmt"):
        custom[fmt.get("numFmtId")] = fmt.get("formatCode") or ""
    kinds = []
    for group in styles.iter(f"{{{_MAIN}}}cellXfs"):
        for xf in group.iter(f"{{{_MAIN}}}xf"):
            kinds.append(_format_kind(xf.get("numFmtId") or "0", custom))
    return kinds


def _format_kind(fmt_id: str, custom: dict[str, str]) -> str:
    if fmt_id in custom:
        return format_code_kind(custom[fmt_id])
    number = int(fmt_id)
    return "date" if number in _DATE_IDS else "duration" if number in _DURATION_IDS else ""


def format_code_kind(code: str) -> str:
    """"date", "duration" or "" for a custom number format, by calamine's rules.

    Only the first section counts; date letters inside quotes, brackets, or after an escape
    (\\, _ or *) are literal text; [h], [mm], [ss] make an elapsed time (a duration).
    """
    escaped = quoted = False
    after_a = False  # "a" seen: AM/PM or A/P follows
    brackets = 0
    prev = " "
    elapsed = False
    for char in code:
        lower = char.lower()
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return ""
        elif char == "[":
            brackets += 1
        elif char == "]":
            if brackets == 1 and elapsed:
                return "duration"
            brackets = max(0, brackets - 1)
        elif brackets == 0 and not after_a and lower == "a":
            after_a = True
        elif brackets == 0 and after_a and lower in "pm/":
            return "date"
        elif brackets == 0 and not after_a and lower in "dmhys":
            return "date"
        elif not (elapsed and lower == prev.lower()):
            elapsed = prev == "[" and lower in "mhs"
        prev = char
    return ""


# -- values --------------------------------------------------------------------------------
def excel_date(serial: float, date1904: bool = False) -> CellValue:
    """An Excel serial as python-calamine gives it: time below 1, date when whole, else datetime.

    Like calamine, serials before 1 March 1900 are shifted a day (Excel counts a 29 February 1900
    that never was), and the result is rounded to the millisecond.
    """
    days = serial + _DATE_1904_SHIFT if date1904 else serial
    if days < 60:
        days += 1
    try:
        moment = _EPOCH + dt.timedelta(milliseconds=round_half_away(days * MS_PER_DAY))
    except OverflowError:
        return serial
    if serial < 1:
        return moment.time()
    if serial == int(serial):
        return moment.date()
    return moment


def round_half_away(value: float) -> int:
    """Rust's f64::round (halves away from zero), not Python's round (halves to even)."""
    whole = math.floor(abs(value))
    rounded = whole + 1 if abs(value) - whole >= 0.5 else whole
    return rounded if value >= 0 else -rounded
