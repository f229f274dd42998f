"""The shapes every reader produces: a sheet's raw records and, once the header is known, a table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Union

# What a cell holds once read: text from CSV; numbers, dates, booleans or text from workbooks.
CellValue = Union[str, int, float, bool, dt.datetime, dt.date, dt.time, dt.timedelta, None]


class SourceError(Exception):
    """A file that cannot be read. `str()` is one sentence a person understands, naming the file."""


@dataclass(frozen=True, slots=True)
class Record:
    """One raw line of a sheet. `number` is the row a person sees (1-based; for CSV the record index)."""

    number: int
    cells: tuple[CellValue, ...]


class SheetSource(Protocol):
    """An opened file, positioned on one sheet. Readers implement this; nothing else touches files."""

    path: Path
    kind: str  # "csv", "xlsx", "xls", "ods"
    sheet_names: list[str]  # [] for CSV
    sheet: str | None  # the chosen sheet, None for CSV
    encoding: str | None  # CSV only: what was detected or forced
    delimiter: str | None  # CSV only

    def records(self) -> Iterator[Record]:
        """Every record from the top of the sheet, streamed, fully blank ones included."""
        ...

    def preview(self, limit: int = 50) -> list[Record]:
        """The first `limit` records, cheaply (for header detection and the header picker)."""
        ...

    def estimated_records(self) -> int | None:
        """A quick estimate of the number of records, for progress; None when unknown."""
        ...

    def progress(self) -> float | None:
        """Fraction 0..1 of the file consumed by the running `records()` iterator, when known."""
        ...


@dataclass(frozen=True, slots=True)
class DataRow:
    number: int  # the row a person sees in the spreadsheet
    values: tuple[CellValue, ...]  # aligned with Table.headers (padded with None)


@dataclass
class Table:
    """A sheet with its header row chosen: unique column names and the data rows below them."""

    source: SheetSource
    header_row: int
    headers: list[str]
    # headers as written in the file (before blanks became "Column C" and duplicates "Email (2)")
    raw_headers: list[str] = field(default_factory=list)

    def rows(self, records: Iterable[Record] | None = None) -> Iterator[DataRow]:
        """Data rows below the header, streamed; rows with no non-empty cell are skipped.

        `records` (e.g. the source's preview) stands in for the whole sheet when given."""
        records = self.source.records() if records is None else records
        return data_rows(((r.number, r.cells) for r in records), self.header_row, len(self.headers))


def data_rows(records: Iterable[tuple[int, tuple[CellValue, ...]]], header_row: int, width: int) -> Iterator[DataRow]:
    """(number, cells) records -> the data rows below `header_row`, blank ones skipped, each as
    wide as the header."""
    for number, cells in records:
        if number <= header_row:
            continue
        first = cells[0] if cells else None  # most rows start with a value: no scan needed
        if (first is None or first == "") and not any(c is not None and c != "" for c in cells):
            continue
        if len(cells) < width:
            cells = cells + (None,) * (width - len(cells))
        elif len(cells) > width:
            cells = cells[:width]
        yield DataRow(number, cells)
