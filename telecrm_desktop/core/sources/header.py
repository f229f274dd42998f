"""Finding the header row of a sheet and turning its cells into unique column names.

Lead sheets often carry a title ("Expo 2026 visitors"), a date or a blank row above the real
header. The header is the first row that is mostly short text, about as wide as the rows below
it, and not itself data (e-mail addresses, phone numbers, amounts and dates are data).
"""

from __future__ import annotations

import datetime as dt
import re

from telecrm_desktop.core.sources.table import CellValue, Record, SourceError, Table, SheetSource

ROWS_TO_SEARCH = 30
_ROWS_BELOW = 10
_DATA_LIKE = re.compile(r"^[\s+()\-.,/:\d₹$€£%]+$|@|^https?://|^www\.", re.IGNORECASE)


def detect_header_row(records: list[Record]) -> int:
    """The number of the header record among `records` (1 when nothing looks like one)."""
    filled = [r for r in records[:ROWS_TO_SEARCH + _ROWS_BELOW] if _width(r.cells)]
    for index, record in enumerate(filled[:ROWS_TO_SEARCH]):
        below = filled[index + 1:index + 1 + _ROWS_BELOW]
        if not _looks_like_header(record.cells, below):
            continue
        if below and _all_labels(below[0].cells) and _width(below[0].cells) >= 2 * _width(record.cells):
            continue  # a short line of text ("Campaign", "Expo 2026") above a header twice as wide
        return record.number
    if filled:
        widest = max(_width(r.cells) for r in filled)
        return next(r.number for r in filled if _width(r.cells) >= widest * 0.5)
    return records[0].number if records else 1


def _labels(cells: tuple[CellValue, ...]) -> tuple[int, int]:
    """(non-empty cells, those that read like a column name)."""
    names = [c for c in cells if not _empty(c)]
    labels = [c for c in names if isinstance(c, str) and len(c.strip()) <= 80 and not _DATA_LIKE.search(c.strip())]
    return len(names), len(labels)


def _all_labels(cells: tuple[CellValue, ...]) -> bool:
    names, labels = _labels(cells)
    return names > 0 and labels == names


def _looks_like_header(cells: tuple[CellValue, ...], below: list[Record]) -> bool:
    names, labels = _labels(cells)
    if not names or labels < 0.8 * names:
        return False
    if not below:
        return True  # a header-only file
    widths = sorted(_width(r.cells) for r in below)
    typical = widths[len(widths) // 2]
    if typical > 1 and names < 2:
        return False  # a title above a table
    return names >= 0.5 * typical


def _width(cells: tuple[CellValue, ...]) -> int:
    return sum(1 for c in cells if not _empty(c))


def _empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """0-based column index to spreadsheet letters (0 -> "A", 26 -> "AA")."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_names(raw: tuple[CellValue, ...]) -> list[str]:
    """Unique names: blank cells become "Column C", repeats become "Email (2)", "Email (3)"."""
    names: list[str] = []
    taken: set[str] = set()
    for index, cell in enumerate(raw):
        name = _header_text(cell).strip() or f"Column {column_letter(index)}"
        unique, copy = name, 1
        while unique.casefold() in taken:
            copy += 1
            unique = f"{name} ({copy})"
        taken.add(unique.casefold())
        names.append(unique)
    return names


def _header_text(cell: CellValue) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (dt.datetime, dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)


def read_table(source: SheetSource, header_row: int | None = None) -> Table:
    """The sheet with its header chosen (detected when `header_row` is None)."""
    records = source.preview(max(50, (header_row or 0) + 1))
    if not any(_width(r.cells) for r in records):
        raise SourceError(_nothing_to_read(source))
    if header_row is None:
        header_row = detect_header_row(records) if records else 1
    header = next((r for r in records if r.number == header_row), None)
    if header is None:
        header = _find_record(source, header_row)
    width = max([len(header.cells)] + [len(r.cells) for r in records if r.number > header_row])
    raw = tuple(header.cells) + (None,) * (width - len(header.cells))
    raw_headers = [_header_text(c) for c in raw]
    return Table(source=source, header_row=header_row, headers=column_names(raw), raw_headers=raw_headers)


def _nothing_to_read(source: SheetSource) -> str:
    if source.sheet is not None:
        return f'Sheet "{source.sheet}" of {source.path.name} is empty; choose the sheet that holds the leads.'
    return f"{source.path.name} holds no rows (only blank lines)."


def _find_record(source: SheetSource, number: int) -> Record:
    for record in source.records():
        if record.number == number:
            return record
        if record.number > number:
            break
    raise SourceError(f"{source.path.name} has no row {number} to use as the header.")
