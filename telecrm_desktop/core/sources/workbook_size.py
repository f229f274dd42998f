"""How big a workbook sheet will be once loaded, learned before loading it.

calamine loads a whole sheet into one rectangle of cells and aborts the process (it cannot raise)
when that rectangle does not fit in memory: one cell in A1 and one in XFD1048576 ask for 17
billion cells. So before loading an .xlsx/.xlsm sheet its extent is read from the sheet's
<dimension> element (small sheets: from every cell reference, since a crafted file can declare
a false dimension) and the part's uncompressed size. Sheets beyond STREAM_ABOVE_CELLS cells or
STREAM_ABOVE_XML_BYTES of XML are not given to calamine but streamed (xlsx_stream), whatever
their number of rows; only XML beyond MAX_SHEET_XML_BYTES is refused. .xls and .ods sheets,
which only calamine reads, are refused beyond MAX_CELLS.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from telecrm_desktop.core.sources.kind import ZIP_PROBLEMS

MAX_CELLS = 12_000_000  # .xls/.ods: about 1.1 GB while calamine loads; 600,000 rows of 20 columns
MAX_LOADED_XML_BYTES = 800 * 1024 * 1024  # what calamine may load: .ods content, an .xlsx sheet the stream cannot read
# .xlsx/.xlsm: calamine (2x faster, 90 bytes a cell: 184 MB for 100,000 rows x 20) up to here,
# the stream (bounded memory) beyond; see docs/benchmarks.md
STREAM_ABOVE_CELLS = 2_500_000  # 125,000 rows of 20 columns: about 230 MB in calamine
STREAM_ABOVE_XML_BYTES = 100 * 1024 * 1024  # at 20-40 bytes a cell, 2.5-5 million cells
MAX_SHEET_XML_BYTES = 3 * 1024 * 1024 * 1024  # 1,048,576 rows x 20 cells of 140 bytes; minutes to stream
_HEAD_BYTES = 64 * 1024
_ALWAYS_SCAN_BYTES = 8 * 1024 * 1024  # below this, reading every cell reference costs < 50 ms
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"


@dataclass(frozen=True)
class SheetExtent:
    rows: int  # last row number (1-based) the sheet declares or holds
    columns: int
    xml_bytes: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_number(letters: bytes | str) -> int:
    """A1-style column letters to 1-based number ("A" -> 1, "XFD" -> 16384)."""
    number = 0
    for letter in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def xlsx_sheet_extent(path: Path, sheet_name: str) -> SheetExtent | None:
    """The declared extent of one sheet of an .xlsx, or None when it cannot be found cheaply."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet_name)
            if part is None:
                return None
            info = archive.getinfo(part)
            if info.file_size > MAX_SHEET_XML_BYTES:
                return SheetExtent(rows=0, columns=0, xml_bytes=info.file_size)
            with archive.open(info) as stream:
                head = stream.read(_HEAD_BYTES)
                found = _DIMENSION.search(head)
                if found and info.file_size > _ALWAYS_SCAN_BYTES:
                    last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
                    return SheetExtent(int(last_row), column_number(last_col), info.file_size)
                return _scan_extent(head, stream, info.file_size)
    except (*ZIP_PROBLEMS, ElementTree.ParseError):
        return None  # calamine will explain what is wrong


_CELL_REF = re.compile(rb'<(?:\w+:)?c [^>]*?r="([A-Z]{1,3})(\d{1,7})"')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row [^>]*?r="(\d{1,7})"')


def _scan_extent(head: bytes, stream, xml_bytes: int) -> SheetExtent:
    """No <dimension> to trust: find the last row and column from the XML itself.

    Small sheets (where a crafted file is cheap to make) get every cell reference read. Big
    ones get only the last row and the last cell of each megabyte read, which is exact for every
    writer (rows and cells are in order) and costs nothing next to decompression.
    """
    rows = columns = 0
    carry, chunk = b"", head
    every_cell = xml_bytes <= _ALWAYS_SCAN_BYTES
    while chunk:
        text = carry + chunk
        if every_cell:
            refs = _CELL_REF.findall(text)
            row_marks = [int(n) for n in _ROW_NUMBER.findall(text)]
        else:
            refs = _last_match(_CELL_REF, text, b"<c ")
            row_marks = [int(m[0]) for m in _last_match(_ROW_NUMBER, text, b"<row ")]
        for letters, digits in refs:
            rows = max(rows, int(digits))
            columns = max(columns, column_number(letters))
        rows = max([rows] + row_marks)
        carry = text[-256:]
        chunk = stream.read(1 << 20)
    return SheetExtent(rows, max(columns, 1), xml_bytes)


def _last_match(pattern: re.Pattern, text: bytes, opening: bytes) -> list:
    at = text.rfind(opening)
    while at > 0:
        found = pattern.match(text, at)
        if found:
            return [found.groups()]
        at = text.rfind(opening, 0, at)
    return []


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{_NS['rel']}}}Relationship")}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet") or sheet.get("name") != sheet_name:
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id)
        if not target:
            return None
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        return part if part in archive.namelist() else None
    return None


_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/>|>(.*?)</table:table-row>)", re.DOTALL)
_ODS_VALUE_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?office:value-type[^>]*)>")
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')


def ods_cells(path: Path) -> int | None:
    """Cells holding a value in an .ods once its "repeated" rows and cells are spelled out.

    ODS compresses a block of equal cells into one element with a repeat count; calamine
    spells those out (up to 100 million cells, then it gives up), so a 2 kB file can ask for
    gigabytes. Empty repeated cells (LibreOffice pads every sheet with them) are not counted.
    Returns None when content.xml is too big to scan cheaply (then its size alone is judged).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > _ALWAYS_SCAN_BYTES:
                return None
            xml = archive.read(info)
    except ZIP_PROBLEMS:
        return None
    total = 0
    for attributes, _, body in _ODS_ROW.findall(xml):
        repeated = _ROWS_REPEATED.search(attributes)
        row_count = int(repeated.group(1)) if repeated else 1
        cells = 0
        for cell_attributes in _ODS_VALUE_CELL.findall(body or b""):
            columns = _COLUMNS_REPEATED.search(cell_attributes)
            cells += int(columns.group(1)) if columns else 1
        total += row_count * cells
    return total


def ods_content_bytes(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.getinfo("content.xml").file_size
    except ZIP_PROBLEMS:
        return 0
