"""CSV, TSV and TXT files: streamed record by record, in the encoding and delimiter they use."""

from __future__ import annotations

import codecs
import csv
import io
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Iterator

from telecrm_desktop.core.sources.delimiter import detect_delimiter
from telecrm_desktop.core.sources.encoding import FALLBACK_ERRORS, detect_encoding
from telecrm_desktop.core.sources.file_state import FileState
from telecrm_desktop.core.sources.table import Record, SourceError

SAMPLE_BYTES = 1 << 20  # enough for encoding and delimiter, small enough to read at once
MAX_CELL_CHARS = 64 * 1024 * 1024  # a 10 MB note is fine; a quote never closed is not

csv.field_size_limit(MAX_CELL_CHARS)

# Encodings in which the byte 0x0A is always a newline, never part of another character: a file
# in one of them can be cut at newlines and the pieces decoded apart (not so in UTF-16 or -32).
_NEWLINE_SAFE = frozenset({"utf-8", "utf-8-sig", "ascii", "iso8859-1", "iso8859-15", "iso8859-2",
                           "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1257", "koi8-r"})
_END_TEXT = "\x1e\x1fend of chunk\x1f\x1e"  # control characters no lead sheet holds
_END_MARK = _END_TEXT.encode("ascii") + b"\n"
_MAX_UNCUT = 16  # chunk sizes read without a newline before giving up cutting the file


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

    def __getstate__(self) -> dict:
        # sent to a spawned check worker, which parses chunks of the file itself: no open handle
        state = dict(self.__dict__)
        state["_handle"], state["_preview"], state["_preview_complete"] = None, [], False
        return state

    def records(self, start: int = 0, first_number: int = 1) -> Iterator[Record]:
        """Every record; or those from byte `start` (where a record begins) on, numbered from
        `first_number` (the rest of a file that could not be checked in chunks: core.check.parallel)."""
        with self._opened() as raw:
            raw.seek(start)
            yield from self._parse(raw, first_number)

    @contextmanager
    def _opened(self) -> Iterator[BinaryIO]:
        """The file, open for reading; a file changed or gone since it was opened is a SourceError."""
        self._state.check_unchanged(self.path)
        try:
            with self.path.open("rb") as raw:
                self._handle = raw
                yield raw
        except FileNotFoundError:
            raise SourceError(f"{self.path.name} was not found.") from None
        except OSError as error:
            raise SourceError(f"{self.path.name} could not be read to the end: {error.strerror or error}.") from None
        finally:
            self._handle = None
        self._state.check_unchanged(self.path)

    def _text(self, raw: BinaryIO) -> Iterator[str]:
        """The lines of `raw`, decoded as detected or chosen."""
        if self._line_by_line:
            text = _utf8_or_cp1252_lines(raw)
        else:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors=FALLBACK_ERRORS, newline="")
        # NUL bytes (padding left by crashed writers) are dropped; the line filter costs a
        # quarter of the reading time, so it only runs when the first megabyte shows NULs.
        return _without_nuls(text) if self._has_nuls else text

    def _parse(self, raw: BinaryIO, first_number: int = 1) -> Iterator[Record]:
        reader = csv.reader(self._text(raw), delimiter=self.delimiter)
        number = first_number - 1
        try:
            if number == 0:
                for cells in reader:
                    number += 1
                    if cells and cells[0].startswith("\ufeff"):
                        cells[0] = cells[0][1:]  # a BOM left by a forced "utf-8"
                    yield Record(number, tuple(cells))
                    break
            for cells in reader:
                number += 1
                yield Record(number, tuple(cells))
        except csv.Error as error:
            raise SourceError(_csv_problem(self.path, number + 1, error)) from None

    # -- chunks: a big file checked on several cores (core.check.parallel) ---------------------------
    def splittable(self) -> bool:
        """Whether the file can be cut at newline bytes and the pieces decoded apart."""
        return codecs.lookup(self.encoding).name in _NEWLINE_SAFE

    def chunks(self, size: int) -> Iterator[tuple[int, bytes | None]]:
        """The file as (start byte, bytes) pieces of about `size` bytes, each ending after a
        newline (the last one at the end of the file). A newline may be inside a quoted cell:
        `chunk_records` tells. (start, None): no newline for a long while, the rest is not cut."""
        with self._opened() as raw:
            start, carry = 0, b""
            while block := raw.read(size):
                data = carry + block if carry else block
                cut = _record_end(data)
                if not cut:
                    if len(data) > _MAX_UNCUT * size:  # old Mac line ends, or one giant cell
                        yield start, None
                        return
                    carry = data
                    continue
                yield start, data[:cut]
                start, carry = start + cut, data[cut:]
            if carry:
                yield start, carry

    def chunk_records(self, data: bytes, first: bool) -> list[list[str]] | None:
        """The records of one chunk read on its own, as `records` gives them; None when the chunk
        ends inside a quoted cell (or the parser fails): it must be read with what follows.

        A marker line is read after the chunk: it comes back as a record of its own only when the
        chunk's last record ended where the chunk does."""
        if not data.endswith(b"\n"):
            data += b"\n"  # the file's last line: a newline ends a record as the end of file does
        reader = csv.reader(self._text(io.BytesIO(data + _END_MARK)), delimiter=self.delimiter)
        try:
            rows = list(reader)
        except csv.Error:
            return None
        if not rows or rows[-1] != [_END_TEXT]:
            return None
        rows.pop()
        if first and rows and rows[0] and rows[0][0].startswith("\ufeff"):
            rows[0][0] = rows[0][0][1:]  # a BOM left by a forced "utf-8"
        return rows

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


def _record_end(data: bytes) -> int:
    """Where to cut `data` (which starts a record): just past its last newline outside quotes
    (after an even number of quote characters, as in any well-formed file), else just past its
    last newline (a stray quote in an unquoted cell upsets the count: the worker checks the cut);
    0 when it has no newline."""
    last = end = data.rfind(b"\n")
    if last < 0:
        return 0
    quotes = data.count(b'"', 0, end)
    newline = last
    while quotes % 2:
        newline = data.rfind(b"\n", 0, end)
        if newline < 0:
            return last + 1
        quotes -= data.count(b'"', newline, end)
        end = newline
    return newline + 1


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
