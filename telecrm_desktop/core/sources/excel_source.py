"""Workbooks (.xlsx/.xlsm, legacy .xls, .ods): python-calamine, or our own stream for big .xlsx.

calamine is about ten times faster than openpyxl's read_only mode (2.8 s against 35.5 s for
100,000 rows x 20 columns). It loads one sheet at a time into memory (as compact Rust values,
about 90 bytes a cell at the peak) and hands rows to Python one by one. An .xlsx/.xlsm sheet
beyond workbook_size.STREAM_ABOVE_CELLS (125,000 rows of 20 columns) is read by xlsx_stream
instead, row by row from the zip in bounded memory (about half calamine's speed), so a sheet at
Excel's limit of 1,048,576 rows can be read; .xls and .ods sheets beyond MAX_CELLS are refused
before calamine tries. Cells keep their type either way: numbers are float (919876543210.0),
dates are datetime/date/time, formulas give the value Excel saved with them (a formula saved
without one, as openpyxl writes them, reads as empty), and empty cells are None.

An .xlsx's sheet names come from its workbook part, not from calamine, which reads every shared
string when it opens a workbook (240 MB and 2 s for an Excel-limit sheet): calamine is only
opened when a small sheet is loaded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Iterator

import python_calamine

from telecrm_desktop.core.sources.file_state import FileState
from telecrm_desktop.core.sources.kind import damaged, password_protected
from telecrm_desktop.core.sources.sheet_choice import choose_data_sheet
from telecrm_desktop.core.sources import workbook_size
from telecrm_desktop.core.sources.workbook_size import (
    MAX_CELLS,
    MAX_LOADED_XML_BYTES,
    MAX_SHEET_XML_BYTES,
    SheetExtent,
    ods_cells,
    ods_content_bytes,
    xlsx_sheet_extent,
)
from telecrm_desktop.core.sources.xls_structure import check_xls_structure
from telecrm_desktop.core.sources.xlsx_preview import PreviewUnavailable, xlsx_sheet_names
from telecrm_desktop.core.sources.xlsx_stream import SheetStream, StreamProblem, xlsx_preview
from telecrm_desktop.core.sources.table import Record, SourceError

_PREVIEW_AT_LEAST = 256  # rows streamed per fast preview: header detection and the first screen in one pass


class WorkbookSource:
    """One sheet of a workbook. Record numbers are the spreadsheet's row numbers."""

    encoding = None
    delimiter = None

    def __init__(self, path: Path, kind: str, *, sheet: str | None = None, stream: bool = False):
        self.path = path
        self.kind = kind
        self._state = FileState.of(path)
        if kind == "ods":
            _refuse_oversized_ods(path)  # calamine reads every sheet of an .ods when opening it
        elif kind == "xls":
            check_xls_structure(path)  # calamine aborts the process on some damaged .xls files
        self._workbook: python_calamine.CalamineWorkbook | None = None
        listed = _xlsx_names(path) if kind == "xlsx" else None
        if listed is None:
            self._workbook = _open_workbook(path, kind)
            listed = _worksheet_names(self._workbook)
        self.sheet_names, visible = listed
        if not self.sheet_names:
            raise SourceError(f"{path.name} has no sheets.")
        # how the sheet was chosen: "asked" (by name), "data" (the most rows under a header, not
        # the first sheet), "first" (the first visible sheet, which also looks like the data or is alone)
        self.sheet_chosen = "asked"
        if sheet is None:
            candidates = visible or self.sheet_names
            chosen = choose_data_sheet(path, kind, candidates, self._workbook)
            sheet = chosen or candidates[0]
            self.sheet_chosen = "data" if sheet != candidates[0] else "first"
        elif sheet not in self.sheet_names:
            listed = ", ".join(f'"{name}"' for name in self.sheet_names)
            raise SourceError(f'{path.name} has no sheet called "{sheet}"; its sheets are {listed}.')
        self.sheet = sheet
        self._loaded: python_calamine.CalamineSheet | None = None
        self._extent: SheetExtent | None = None
        self._streamed: bool | None = None  # decided on first use: see _uses_stream
        self._always_stream = stream  # an .xlsx sheet of any size is streamed (open_sheet's stream_xlsx)
        self._stream: SheetStream | None = None  # the running stream's progress
        self._rows_done = 0
        self._rows_total: int | None = None
        self._fast_preview: list[Record] | None = None  # the longest one read from the zip so far
        self._fast_preview_limit = 0

    # -- loading ---------------------------------------------------------------------------
    def _sheet(self) -> python_calamine.CalamineSheet:
        if self._loaded is None:
            self._state.check_unchanged(self.path)
            if self.kind == "xlsx":
                _refuse_oversized_xlsx(self.path, self.sheet, self._sheet_extent())
            try:
                workbook = self._workbook or _open_workbook(self.path, self.kind)
                self._workbook = None
                self._loaded = workbook.get_sheet_by_name(self.sheet)
                workbook.close()  # the sheet is in memory: let Excel save over the file
            except python_calamine.PasswordError:
                raise password_protected(self.path) from None
            except (python_calamine.CalamineError, OSError, ValueError) as error:
                raise _read_problem(self.path, self.kind, error) from None
            except BaseException as error:  # pyo3 turns a Rust panic into PanicException (a BaseException)
                if type(error).__name__ == "PanicException":
                    raise damaged(self.path, self.kind) from None
                raise
        return self._loaded

    def _sheet_extent(self) -> SheetExtent | None:
        if self._extent is None:
            self._extent = xlsx_sheet_extent(self.path, self.sheet)
        return self._extent

    def _uses_stream(self) -> bool:
        """Whether this sheet is read by xlsx_stream: an .xlsx/.xlsm sheet too big for calamine.

        The XML's size counts as well as the declared extent: a big sheet's <dimension> is
        trusted without reading the sheet, and one that lies must not send a million rows to
        calamine."""
        if self._streamed is None:
            extent = self._sheet_extent() if self.kind == "xlsx" and self._loaded is None else None
            self._streamed = extent is not None and (
                self._always_stream
                or extent.cells > workbook_size.STREAM_ABOVE_CELLS
                or extent.xml_bytes > workbook_size.STREAM_ABOVE_XML_BYTES
            )
            if self._streamed:
                _refuse_oversized_xlsx(self.path, self.sheet, extent)
        return self._streamed

    def _stream_records(self) -> Iterator[Record]:
        """The stream's records; none when it cannot read a sheet calamine can still load (a
        DTD, strict OOXML): then `_streamed` turns False and records() asks calamine."""
        self._state.check_unchanged(self.path)
        self._stream = stream = SheetStream(self.path, self.sheet)
        yielded = False
        try:
            for record in stream.records():
                self._rows_done = record.number
                yielded = True
                yield record
        except StreamProblem:
            self._state.check_unchanged(self.path)  # a file saved over while read says so
            extent = self._extent
            if not yielded and extent and extent.cells <= MAX_CELLS and extent.xml_bytes <= MAX_LOADED_XML_BYTES:
                self._streamed, self._stream = False, None
                return
            raise damaged(self.path, self.kind) from None
        except FileNotFoundError:
            raise _read_problem(self.path, self.kind, FileNotFoundError()) from None

    # -- SheetSource -----------------------------------------------------------------------
    def records(self) -> Iterator[Record]:
        if self._uses_stream():
            yield from self._stream_records()
            if self._streamed:
                return
        sheet = self._sheet()
        start = sheet.start
        # iter_rows yields rows from the sheet's first row (row 1) but columns from the first
        # used column: put the empty columns back so "Column C" means spreadsheet column C.
        pad = (None,) * (start[1] if start else 0)
        self._rows_total = (sheet.end[0] + 1) if sheet.end else 0
        self._rows_done = 0
        for number, row in enumerate(sheet.iter_rows(), start=1):
            self._rows_done = number
            if "" in row:
                row = [None if cell == "" else cell for cell in row]
            yield Record(number, pad + tuple(row) if pad else tuple(row))

    def preview(self, limit: int = 50) -> list[Record]:
        if self.kind == "xlsx" and self._loaded is None:
            fast = self._xlsx_preview(limit)
            if fast is not None:
                return fast
        preview: list[Record] = []
        for record in self.records():
            if len(preview) >= limit:
                break
            preview.append(record)
        return preview

    def _xlsx_preview(self, limit: int) -> list[Record] | None:
        """The top of an .xlsx sheet streamed from the zip, so the first screen need not wait for
        calamine to load the whole sheet; None when only calamine can read this file."""
        if self._fast_preview is not None and limit <= self._fast_preview_limit:
            return self._fast_preview[:limit]
        self._state.check_unchanged(self.path)
        _refuse_oversized_xlsx(self.path, self.sheet, self._sheet_extent())  # say so now, not after the preview
        wanted = max(limit, _PREVIEW_AT_LEAST)
        try:
            self._fast_preview = xlsx_preview(self.path, self.sheet, wanted)
        except PreviewUnavailable:
            return None
        self._fast_preview_limit = wanted
        return self._fast_preview[:limit]

    def estimated_records(self) -> int | None:
        if self._loaded is not None:
            end = self._loaded.end
            return end[0] + 1 if end else 0
        if self.kind == "xlsx":
            extent = self._sheet_extent()
            if extent and extent.rows:
                return extent.rows
        return None

    def progress(self) -> float | None:
        if self._stream is not None:  # uncompressed XML read, of the sheet's whole part
            stream = self._stream
            return min(1.0, stream.bytes_read / stream.xml_bytes) if stream.xml_bytes else None
        if not self._rows_total:
            return None
        return min(1.0, self._rows_done / self._rows_total)


def _open_workbook(path: Path, kind: str) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise password_protected(path) from None
    except FileNotFoundError:
        raise SourceError(f"{path.name} was not found.") from None
    except (python_calamine.CalamineError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise _read_problem(path, kind, error) from None
    except BaseException as error:
        if type(error).__name__ == "PanicException":
            raise damaged(path, kind) from None
        raise


def _xlsx_names(path: Path) -> tuple[list[str], list[str]] | None:
    try:
        return xlsx_sheet_names(path)
    except PreviewUnavailable:
        return None  # calamine lists it, or says what is wrong


def _worksheet_names(workbook: python_calamine.CalamineWorkbook) -> tuple[list[str], list[str]]:
    """Every worksheet name in workbook order, and the visible ones (the default is the first of those).

    Chart sheets and macro modules hold no cells, so they are not offered.
    """
    names, visible = [], []
    for meta in workbook.sheets_metadata:
        if meta.typ in (python_calamine.SheetTypeEnum.ChartSheet, python_calamine.SheetTypeEnum.Vba):
            continue
        names.append(meta.name)
        if meta.visible == python_calamine.SheetVisibleEnum.Visible:
            visible.append(meta.name)
    if not names:
        names = list(workbook.sheet_names)
    return names, visible


def _refuse_oversized_xlsx(path: Path, sheet: str, extent: SheetExtent | None) -> None:
    """Any number of rows streams, but not XML beyond MAX_SHEET_XML_BYTES (a zip bomb would
    keep the reader busy for hours)."""
    if extent and extent.xml_bytes > MAX_SHEET_XML_BYTES:
        size = f"{extent.rows:,} rows x {extent.columns:,} columns" if extent.rows else "its size"
        raise SourceError(
            f'Sheet "{sheet}" of {path.name} is too big to read ({size}); split it into smaller files.'
        )


def _refuse_oversized_ods(path: Path) -> None:
    cells = ods_cells(path)
    if (cells is not None and cells > MAX_CELLS) or ods_content_bytes(path) > MAX_LOADED_XML_BYTES:
        raise SourceError(
            f"{path.name} is too big to read ({f'{cells:,} cells' if cells else 'its size'}); "
            f"split it into files of at most {MAX_CELLS // 20:,} rows of 20 columns."
        )


def _read_problem(path: Path, kind: str, error: BaseException) -> SourceError:
    if isinstance(error, FileNotFoundError):
        return SourceError(f"{path.name} disappeared while it was being read; check where it went and open it again.")
    text = str(error).lower()
    if "password" in text or "encrypt" in text:
        return password_protected(path)
    if "cell limit" in text:
        return SourceError(f"{path.name} is too big to read; split it into smaller files.")
    return damaged(path, kind)
