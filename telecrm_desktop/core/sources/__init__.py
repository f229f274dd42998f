"""Reading lead sheets: CSV/TSV/TXT and workbooks (.xlsx/.xlsm, .xls, .ods), one interface.

    source = open_sheet(path, sheet=None, encoding=None, delimiter=None)
    table = read_table(source)            # header row detected unless given
    for row in table.rows(): ...          # streamed DataRow

Every failure is a SourceError whose text is one sentence naming the file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from telecrm_desktop.core.sources.csv_source import SAMPLE_BYTES, CsvSource
from telecrm_desktop.core.sources.excel_source import WorkbookSource
from telecrm_desktop.core.sources.header import column_letter, column_names, detect_header_row, read_table
from telecrm_desktop.core.sources.kind import file_kind, looks_binary, not_a_sheet
from telecrm_desktop.core.sources.table import SheetSource, SourceError

__all__ = ["open_sheet", "read_table", "detect_header_row", "column_names", "column_letter", "SourceError"]

def open_sheet(
    path: str | os.PathLike, *, sheet: str | None = None, encoding: str | None = None, delimiter: str | None = None,
    stream_xlsx: bool = False,
) -> SheetSource:
    """Open a lead sheet, choosing the reader by the file's content rather than its name.

    `stream_xlsx`: every .xlsx/.xlsm sheet is streamed, whatever its size (the desktop app: calamine
    is twice as fast but holds about 90 bytes a cell for as long as the source lives)."""
    path = Path(path)
    sample = _read_sample(path)
    kind = file_kind(path, sample[:4096])
    if kind == "csv":
        # `sheet` is ignored: a template made on a workbook often serves its CSV export too
        if encoding is None and looks_binary(sample):
            raise not_a_sheet(path)
        return CsvSource(path, sample, encoding=encoding, delimiter=delimiter)
    return WorkbookSource(path, kind, sheet=sheet, stream=stream_xlsx)


def _locked_by_another_program(path: Path) -> bool:
    """Windows: whether `path` is held by a program that shares it with no one (Excel does so with
    an open workbook). Python's open() reports that as a bare "permission denied"; asking Windows
    directly tells it apart from a file this user may not read."""
    if sys.platform != "win32":
        return False
    import _winapi

    share_everything = 0x1 | 0x2 | 0x4  # FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE
    try:
        handle = _winapi.CreateFile(str(path), _winapi.GENERIC_READ, share_everything, 0, _winapi.OPEN_EXISTING, 0, 0)
    except OSError as error:
        return getattr(error, "winerror", None) in (32, 33)  # sharing violation, lock violation
    _winapi.CloseHandle(handle)
    return False


def _read_sample(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise SourceError(f"{path.name} is a folder, not a spreadsheet or CSV file.")
        if path.exists() and not path.is_file():  # opening a named pipe would wait forever
            raise SourceError(f"{path.name} is a pipe or a device, not a spreadsheet or CSV file; save it as a file first.")
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise SourceError(f"{path} was not found.") from None
    except PermissionError:
        if _locked_by_another_program(path):
            raise SourceError(
                f"{path.name} is open in another program that locks it (Excel does while a workbook is open): "
                "close it there, then open it again."
            ) from None
        raise SourceError(f"{path.name} cannot be opened: permission denied (is it open in another program?).") from None
    except OSError as error:
        raise SourceError(f"{path.name} cannot be read: {error.strerror or error}.") from None
    if not sample:
        raise SourceError(f"{path.name} is empty.")
    return sample
