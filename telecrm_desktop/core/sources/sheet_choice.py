"""Which sheet of a workbook holds the leads, when nobody said: the one with the most rows under
its detected header. A one-row summary or a notes sheet placed first no longer hides the data.

An .xlsx is measured from its zip (each sheet's declared extent and its top rows), without loading
any sheet (calamine only for a small sheet that neither the preview nor the stream can read);
.xls and .ods sheets are loaded one by one by calamine (.xls is at most 65,536 rows; an .ods was
loaded whole when the workbook was opened).
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from telecrm_desktop.core.sources.table import Record

_TOP_ROWS = 40  # enough for detect_header_row to look past a title block


def data_rows_below_header(top: list[Record], last_row: int) -> int:
    """Rows from the detected header to `last_row` (the sheet's last row), 0 for an empty sheet."""
    from telecrm_desktop.core.sources.header import detect_header_row

    if not any(any(c not in (None, "") for c in r.cells) for r in top):
        return 0
    return max(0, last_row - detect_header_row(top))


def _xlsx_size(path: Path, sheet: str) -> int | None:
    from telecrm_desktop.core.sources.workbook_size import MAX_SHEET_XML_BYTES, xlsx_sheet_extent
    from telecrm_desktop.core.sources.xlsx_preview import PreviewUnavailable
    from telecrm_desktop.core.sources.xlsx_stream import xlsx_preview
    from telecrm_desktop.core.sources.xlsx_stream import SheetStream, StreamProblem

    extent = xlsx_sheet_extent(path, sheet)
    if extent is None or extent.xml_bytes > MAX_SHEET_XML_BYTES:
        return None
    if not extent.rows:
        return 0  # no cell at all
    try:
        top = xlsx_preview(path, sheet, _TOP_ROWS)
    except PreviewUnavailable:
        try:
            top = list(SheetStream(path, sheet).records(last_row=_TOP_ROWS))
        except StreamProblem:
            return None
    return data_rows_below_header(top, extent.rows)


def _small_for_calamine(path: Path, kind: str, sheet: str) -> bool:
    if kind != "xlsx":
        return True
    from telecrm_desktop.core.sources import workbook_size

    extent = workbook_size.xlsx_sheet_extent(path, sheet)
    return extent is not None and extent.cells <= workbook_size.STREAM_ABOVE_CELLS and (
        extent.xml_bytes <= workbook_size.STREAM_ABOVE_XML_BYTES)


def _calamine_size(workbook, sheet: str) -> int:
    loaded = workbook.get_sheet_by_name(sheet)
    end = loaded.end
    if not end:
        return 0
    top = [Record(n, tuple(None if c == "" else c for c in row))
           for n, row in enumerate(islice(loaded.iter_rows(), _TOP_ROWS), start=1)]
    return data_rows_below_header(top, end[0] + 1)


def choose_data_sheet(path: Path, kind: str, candidates: list[str], workbook=None) -> str | None:
    """The sheet among `candidates` with the most data rows under a header (the first of equals);
    None when they cannot be measured (the caller keeps its first visible sheet)."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    sizes: list[tuple[int, int, str]] = []
    for order, sheet in enumerate(candidates):
        try:
            size = _xlsx_size(path, sheet) if kind == "xlsx" else None
            if size is None and workbook is not None and _small_for_calamine(path, kind, sheet):
                size = _calamine_size(workbook, sheet)
        except Exception:  # noqa: BLE001 - a sheet that cannot be measured is not the data
            size = None
        if size is not None:
            sizes.append((-size, order, sheet))
    if not sizes:
        return None
    return min(sizes)[2]
