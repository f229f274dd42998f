"""The first rows of an .xlsx/.xlsm sheet, read straight from the zip without loading the sheet.

calamine loads a whole sheet before it hands over the first row (about 2 s for 100,000 rows of
20 columns), so the desktop app's first screen would wait for all of it. This reader streams the
sheet's XML only until it has the rows asked for, and the shared strings only up to the largest
index those rows use (Excel writes strings in order of first use, so that is the file's head).

Cells come out as calamine gives them (see excel_source): numbers are float, date-formatted
numbers are date/datetime/time/timedelta by calamine's rules, errors and empty cells are None.
Anything unexpected (a DOCTYPE, an unknown cell type, a damaged part, a huge head) raises
PreviewUnavailable and the caller reads the sheet the normal way.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import zipfile
from pathlib import Path
from xml.etree.ElementTree import XMLPullParser

from telecrm_desktop.core.sources.workbook_size import column_number
from telecrm_desktop.core.sources.table import CellValue, Record

MAX_XML_BYTES = 20 * 1024 * 1024  # uncompressed XML read per part before giving up
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


def xlsx_preview(path: Path, sheet_name: str, limit: int) -> list[Record]:
    """The first `limit` rows of `sheet_name` (rows 1..limit, blank ones included), like calamine's."""
    try:
        with zipfile.ZipFile(path) as archive:
            part, date1904 = sheet_part(archive, sheet_name)
            kinds = style_kinds(archive)
            cells, last_row, more = _read_cells(archive, part, limit)
            needed = max((v for (_, _, t, v, _) in cells if t == "s"), default=-1)
            strings = _shared_strings(archive, needed) if needed >= 0 else []
        return _records(cells, strings, kinds, date1904, limit if more else last_row)
    except PreviewUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - any surprise means "use the normal path"
        raise PreviewUnavailable(f"{type(error).__name__}: {error}") from None


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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


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
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return part, date1904
    raise PreviewUnavailable(f"no part for sheet {sheet_name!r}")


_CHARTSHEET = "/chartsheet"


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


# -- cells ---------------------------------------------------------------------------------
_C, _ROW, _V, _IS, _T = (f"{{{_MAIN}}}{name}" for name in ("c", "row", "v", "is", "t"))


def _read_cells(archive: zipfile.ZipFile, part: str, limit: int):
    """(row, column, type, raw) of every valued cell in rows 1..limit, the last such row, and
    whether the sheet goes on below `limit`."""
    cells: list[tuple[int, int, str, object, int]] = []
    last_row = 0
    row_number = 0
    column = 0
    for event, element in _parse(archive, part):
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                row_number = int(element.get("r") or row_number + 1)
                column = 0
                if row_number > limit:
                    return cells, last_row, True
            continue
        if tag == _C:
            ref = element.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                column = column_number(letters)
                if int(ref[len(letters):]) != row_number:
                    raise PreviewUnavailable(f"cell {ref} outside its row {row_number}")
            else:
                column += 1
            kind = element.get("t") or "n"
            value = _raw_value(element, kind)
            if value is not _NO_VALUE:
                cells.append((row_number, column, kind, value, int(element.get("s") or 0)))
                last_row = row_number
            element.clear()
        elif tag == _ROW:
            element.clear()
    return cells, last_row, False


_NO_VALUE = object()


def _raw_value(cell, kind: str):
    if kind == "inlineStr":
        inline = cell.find(_IS)
        return _text_of(inline) if inline is not None else _NO_VALUE
    v = cell.find(_V)
    if v is None:
        return _NO_VALUE
    text = v.text or ""
    if kind == "n":
        return float(text) if text else ""
    if kind == "s":
        return int(text)
    if kind in ("str", "b", "e"):
        return text
    raise PreviewUnavailable(f"cell type {kind!r}")  # "d" (ISO dates) and the unknown: calamine


def _text_of(element) -> str:
    """A string item's text: its <t>, or its rich-text runs' <t>s joined (phonetic runs left out)."""
    direct = element.find(_T)
    if direct is not None:
        return direct.text or ""
    return "".join(t.text or "" for run in element if _local(run.tag) == "r" for t in run.iter(_T))


def _shared_strings(archive: zipfile.ZipFile, needed: int) -> list[str]:
    strings: list[str] = []
    si = f"{{{_MAIN}}}si"
    for event, element in _parse(archive, "xl/sharedStrings.xml"):
        if event == "end" and element.tag == si:
            strings.append(_text_of(element))
            element.clear()
            if len(strings) > needed:
                return strings
    raise PreviewUnavailable("a shared string index beyond the table")


# -- values --------------------------------------------------------------------------------
def _records(cells, strings, kinds, date1904: bool, rows: int) -> list[Record]:
    # calamine's rows are as wide as the sheet's widest row; here, the widest of these rows
    width = max((column for (_, column, _, _, _) in cells), default=0)
    grid: list[list[CellValue]] = [[None] * width for _ in range(rows)]
    for row, column, kind, raw, style in cells:
        grid[row - 1][column - 1] = _value(kind, raw, strings, kinds, style, date1904)
    return [Record(number, tuple(values)) for number, values in enumerate(grid, start=1)]


def _value(kind, raw, strings, kinds, style, date1904) -> CellValue:
    if kind == "s":
        text = strings[raw]
        return text or None
    if kind in ("str", "inlineStr"):
        return raw or None
    if kind == "b":
        return raw == "1"
    if kind == "e":
        return None
    number = raw
    if number == "":
        return None
    fmt = kinds[style] if style < len(kinds) else ""
    if fmt == "date":
        return excel_date(number, date1904)
    if fmt == "duration":
        return dt.timedelta(milliseconds=round_half_away(number * MS_PER_DAY))
    return number


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
