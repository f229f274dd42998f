"""CSV, TSV and TXT files: streamed record by record, in the encoding and delimiter they use."""

from __future__ import annotations

import codecs
import csv
import io
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Iterator

from telecrm_desktop.core.sources.delimiter import detect_delimiter
from telecrm_desktop.core.sources.encoding import FALLBACK_ERRORS, detect_encoding
from telecrm_desktop.core.sources.file_state import FileState
from telecrm_desktop.core.table import Record, SourceError

SAMPLE_BYTES = 1 << 20  # enough for encoding and delimiter, small enough to read at once
MAX_CELL_CHARS = 64 * 1024 * 1024  # a 10 MB note is fine; a quote never closed is not

csv.field_size_limit(MAX_CELL_CHARS)


class CsvSource:
    """A delimited text file. Cells are str (empty string for empty), record numbers 1-based."""

    kind = "csv"
    sheet = None

    def __init__(self, path: Path, sample: bytes, *, encoding: str | None = None, delimiter: str | None = None):
        self.path = path
        self.sheet_names: list[str] = []
        self._state = FileState.of(path)
        self.encoding = encoding or detect_encoding(sample)
        _check_codec(path, self.encoding)
        # A file found to be Windows-1252 may have UTF-8 rows pasted or appended into it: such
        # files are decoded line by line, UTF-8 where a line is valid UTF-8, else Windows-1252.
        # (Forced cp1252 too: the app passes the detected encoding back when it reopens a file.)
        self._line_by_line = codecs.lookup(self.encoding).name == "cp1252"
        text = _decode_sample(sample, self.encoding, whole=len(sample) >= self._state.size)
        self._has_nuls = "\x00" in text
        text = text.replace("\x00", "")
        default = "\t" if path.suffix.lower() == ".tsv" or _looks_tab_only(text) else ","
        self.delimiter = delimiter or _excel_separator_line(text) or detect_delimiter(text, default=default)
        self._handle: BinaryIO | None = None
        self._preview: list[Record] = []
        self._preview_complete = False

    def records(self) -> Iterator[Record]:
        self._state.check_unchanged(self.path)
        try:
            with self.path.open("rb") as raw:
                self._handle = raw
                yield from self._parse(raw)
        except FileNotFoundError:
            raise SourceError(f"{self.path.name} was not found.") from None
        except OSError as error:
            raise SourceError(f"{self.path.name} could not be read to the end: {error.strerror or error}.") from None
        finally:
            self._handle = None
        self._state.check_unchanged(self.path)

    def _parse(self, raw: BinaryIO) -> Iterator[Record]:
        if self._line_by_line:
            text = _utf8_or_cp1252_lines(raw)
        else:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors=FALLBACK_ERRORS, newline="")
        # NUL bytes (padding left by crashed writers) are dropped; the line filter costs a
        # quarter of the reading time, so it only runs when the first megabyte shows NULs.
        reader = csv.reader(_without_nuls(text) if self._has_nuls else text, delimiter=self.delimiter)
        number = 0
        try:
            for cells in reader:
                number += 1
                if number == 1 and cells and cells[0].startswith("\ufeff"):
                    cells[0] = cells[0][1:]  # a BOM left by a forced "utf-8"
                yield Record(number, tuple(cells))
                break
            for cells in reader:
                number += 1
                yield Record(number, tuple(cells))
        except csv.Error as error:
            raise SourceError(_csv_problem(self.path, number + 1, error)) from None

    def preview(self, limit: int = 50) -> list[Record]:
        if len(self._preview) < limit and not self._preview_complete:
            records = self.records()
            try:
                self._preview = list(islice(records, limit))
            finally:
                records.close()
            self._preview_complete = len(self._preview) < limit
        return self._preview[:limit]

    def estimated_records(self) -> int | None:
        """File size over the average size of the first records."""
        sample = self.preview(200)
        if not sample:
            return 0
        sample_chars = sum(sum(len(c) + 1 for c in r.cells) + 1 for r in sample)
        bytes_per_char = 2 if self.encoding.startswith("utf-16") else 4 if self.encoding.startswith("utf-32") else 1
        return max(len(sample), round(self._state.size / max(1, sample_chars * bytes_per_char) * len(sample)))

    def progress(self) -> float | None:
        handle = self._handle
        if handle is None or not self._state.size:
            return None
        try:
            return min(1.0, handle.tell() / self._state.size)
        except (OSError, ValueError):
            return None


def _without_nuls(lines: Iterator[str]) -> Iterator[str]:
    """NUL bytes (padding from crashed writers) are dropped instead of confusing the parser."""
    for line in lines:
        yield line.replace("\x00", "") if "\x00" in line else line


def _utf8_or_cp1252_lines(raw: BinaryIO) -> Iterator[str]:
    """Lines decoded as UTF-8 where they are valid UTF-8, else as Windows-1252.

    Decided per 64 kB block when the block is all one or the other (fast), per line otherwise.
    """
    while block := raw.read(65536):
        if not block.endswith(b"\n"):
            block += raw.readline(65536)  # finish the line (a bounded read: a file may have no \n)
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            if block.decode("utf-8", errors="ignore").isascii():  # not one UTF-8 character in it
                text = block.decode("cp1252", errors=FALLBACK_ERRORS)
            else:
                text = "".join(_line_as_utf8_or_cp1252(line) for line in block.splitlines(keepends=True))
        yield from io.StringIO(text, newline="")


def _line_as_utf8_or_cp1252(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors=FALLBACK_ERRORS)


def _decode_sample(sample: bytes, encoding: str, *, whole: bool) -> str:
    """Decode the first bytes of the file, which may end in the middle of a character."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=FALLBACK_ERRORS)
    return decoder.decode(sample, final=whole)


def _excel_separator_line(text: str) -> str | None:
    """Excel's "sep=;" first line, written to tell it the delimiter."""
    first = text[:8].split("\n", 1)[0].rstrip("\r")
    if len(first) == 5 and first.lower().startswith("sep="):
        return first[4]
    return None


def _looks_tab_only(text: str) -> bool:
    return "\t" in text and "," not in text and ";" not in text


def _check_codec(path: Path, encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceError(f"{path.name}: the encoding {encoding!r} is not known; choose another one.") from None


def _csv_problem(path: Path, number: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return (
            f"{path.name} record {number} has a cell longer than {MAX_CELL_CHARS // (1024 * 1024)} MB; "
            "a quote (\") is probably opened and never closed."
        )
    return f"{path.name} record {number} cannot be read as CSV: {error}."
