"""A run's result files: every row with its status (CSV and .xlsx), and the "needs attention"
workbook holding only the rows to fix, in their original columns, ready to import again.

Whatever comes from a sheet or from telecrm is written so that a spreadsheet shows it as text:
a cell starting with = + - @ tab or carriage return would otherwise run as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import re

from telecrm_desktop.core.convert.text import cell_text
from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.send.xlsx_stream import StreamedSheets
from telecrm_desktop.core.sources.table import CellValue

REPORT_COLUMNS = ["row", "identifier", "status", "reason", "warnings"]
# after a lookup of the existing leads (cli.md "Existing leads"); result files also say created / updated
EXISTING_COLUMNS = ["existing", "changes"]
RESULT_EXISTING_COLUMNS = ["existing", "changes", "created or updated"]
ATTENTION = frozenset({outcomes.INVALID, outcomes.FAILED, outcomes.UNCERTAIN})
REASON_HEADER = "Why this row needs attention"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_TEXT_LIMIT = 32_767
# rows of one Excel sheet, its header included: the rows past it go on a sheet after it ("Results (2)")
SHEET_ROWS = 1_048_576
_BAD_COLOUR = "FFC7CE"
# characters an .xlsx cannot hold (as openpyxl's ILLEGAL_CHARACTERS_RE); openpyxl is imported only
# when a workbook is written: it takes half a second to import, and `history` needs none of it
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@dataclass(frozen=True)
class ResultRow:
    row: int  # spreadsheet row as a person sees it
    identifier: str
    status: str
    reason: str = ""
    warnings: str = ""
    values: Sequence[CellValue] = ()  # the row's original cells, aligned with the headers
    problems: Sequence[tuple[str | None, str]] = ()  # (column or None, sentence) for highlighting
    existing: str = ""  # "yes" / "no" after a lookup; "" when the lead was not looked up
    changes: str = ""  # "field: old -> new; ..." for an existing lead

    @property
    def created_or_updated(self) -> str:
        """For a queued lead whose existence was looked up: "created" or "updated"."""
        if self.status != outcomes.QUEUED or not self.existing:
            return ""
        return "updated" if self.existing == "yes" else "created"


@dataclass(frozen=True)
class ResultFiles:
    csv: Path
    xlsx: Path
    needs_attention: Path
    attention_rows: int


def csv_safe(text: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _report_line(r: ResultRow) -> list[str]:
    return [str(r.row), csv_safe(r.identifier), r.status, csv_safe(r.reason), csv_safe(r.warnings)]


def write_report_csv(path: Path | str, rows: Iterable[ResultRow], *, existing_columns: bool = False) -> int:
    """The `--report` CSV of cli.md: row,identifier,status,reason,warnings (and existing,changes after
    a lookup). Returns rows written."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(REPORT_COLUMNS + (EXISTING_COLUMNS if existing_columns else []))
        for r in rows:
            line = _report_line(r)
            if existing_columns:
                line += [r.existing, csv_safe(r.changes)]
            writer.writerow(line)
            n += 1
    return n


def _xlsx_value(value: CellValue):
    """A value openpyxl can store: text cleaned of characters .xlsx cannot hold, dates without zone."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        return value[:_XLSX_TEXT_LIMIT]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, dt.time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


class _RunWriters:
    """The three result files, written in one pass over the rows."""

    def __init__(self, folder: Path, headers: Sequence[str], header_names: Sequence[str], header_row: int,
                 existing_columns: bool = False):
        self.folder = folder
        self.headers = list(headers)
        self.column_index = {name: i for i, name in enumerate(headers)}
        self.csv_path = folder / "results.csv"
        self.xlsx_path = folder / "results.xlsx"
        self.attention_path = folder / "needs-attention.xlsx"
        self._csv_file = open(self.csv_path, "w", newline="", encoding="utf-8-sig")
        self._csv = csv.writer(self._csv_file)
        self.existing_columns = existing_columns
        status_columns = REPORT_COLUMNS + (RESULT_EXISTING_COLUMNS if existing_columns else [])
        self._csv.writerow(status_columns + [csv_safe(h) for h in header_names])
        self._results = StreamedSheets(self.xlsx_path, "Results", [_xlsx_value(h) for h in status_columns + list(header_names)],
                                       SHEET_ROWS)
        # the header where the template expects it, so the same template imports the fixed file
        self._attention = StreamedSheets(self.attention_path, "Needs attention",
                                         [_xlsx_value(h) for h in list(header_names) + [REASON_HEADER]], SHEET_ROWS,
                                         blank_rows=max(0, header_row - 1), fill_rgb=_BAD_COLOUR)
        self.attention_rows = 0

    def add(self, r: ResultRow) -> None:
        values = list(r.values) + [None] * (len(self.headers) - len(r.values))
        extra = [r.existing, r.changes, r.created_or_updated] if self.existing_columns else []
        self._csv.writerow(_report_line(r) + [csv_safe(v) for v in extra] + [csv_safe(cell_text(v)) for v in values])
        self._results.append([_xlsx_value(v) for v in [r.row, r.identifier, r.status, r.reason, r.warnings] + extra + values])
        if r.status in ATTENTION:
            self._add_attention(r, values)

    def _add_attention(self, r: ResultRow, values: list[CellValue]) -> None:
        notes: dict[int, list[str]] = {}
        for column, message in r.problems:
            if column in self.column_index:
                notes.setdefault(self.column_index[column], []).append(message)
        reason = r.reason or "; ".join(m for _c, m in r.problems)
        # a bad cell is filled, its problems in a comment; a row with none (failed, uncertain) has its reason marked
        marks = {i: _xlsx_value("\n".join(found)) for i, found in notes.items() if "\n".join(found)}
        if not notes:
            marks[len(values)] = _xlsx_value(reason or r.status)
        self._attention.append([_xlsx_value(v) for v in values] + [_xlsx_value(f"{r.status}: {reason}" if reason else r.status)],
                               marks)
        self.attention_rows += 1

    def close(self) -> ResultFiles:
        self._csv_file.close()
        self._results.close()
        self._attention.close()
        return ResultFiles(self.csv_path, self.xlsx_path, self.attention_path, self.attention_rows)


def write_run_results(
    folder: Path | str,
    headers: Sequence[str],
    rows: Iterable[ResultRow],
    *,
    raw_headers: Sequence[str] | None = None,
    header_row: int = 1,
    existing_columns: bool = False,
) -> ResultFiles:
    """Writes results.csv, results.xlsx and needs-attention.xlsx into `folder` (rows in row order).

    `headers` are the table's column names (problems refer to them); `raw_headers`, when given,
    are written instead so that the fixed file reads back with the same names.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = list(raw_headers) if raw_headers and len(raw_headers) == len(headers) else list(headers)
    writers = _RunWriters(folder, headers, names, header_row, existing_columns)
    try:
        for r in rows:
            writers.add(r)
    finally:
        files = writers.close()
    return files
