"""Every row of an .xlsx/.xlsm sheet streamed from the zip, in bounded memory.

calamine loads a whole sheet (about 90 bytes a cell), so an Excel-limit sheet of 1,048,576 rows
would need gigabytes. This reader decompresses the sheet's XML 64 kB at a time and holds no more
than one chunk and one row of it; the shared strings are read alongside, only as far as the rows
need them (Excel writes them in order of first use), and kept compactly (SharedStrings).

Cells come out as calamine gives them (excel_source's records): numbers are float, cells under a
date or elapsed-time number format are date/datetime/time/timedelta, booleans are bool, errors and
empty cells are None; a formula gives the value saved with it.

Parsing: one regular expression finds the rows and cells of a chunk as Excel, LibreOffice,
openpyxl and xlsxwriter write them (attributes r, s, t in that order): about 3x faster than
ElementTree on the same chunks (docs/benchmarks.md). A chunk holding anything else (another attribute
order, single quotes, spaces inside tags, CDATA) is parsed by ElementTree instead, so the fast
path never guesses. No C call lasts more than one chunk (0.5-2.5 ms), and the reader lets other
threads run between chunks: the GUI thread shares the interpreter lock with the reading thread.
`xlsx_preview(path, sheet, limit)` is the same pass stopped after `limit` rows (the first screen).

Over 400 lines: the chunked pass, its two parsers (the regular expression and ElementTree) and the
shared strings read alongside share the chunk cutting and the decoding of text as calamine decodes
it; split, each part would reach into the others' private helpers.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from array import array
from itertools import accumulate
from pathlib import Path
from time import sleep as _sleep
from typing import Iterator
from xml.etree import ElementTree

from telecrm_desktop.core.sources.kind import ZIP_PROBLEMS
from telecrm_desktop.core.sources.table import CellValue, Record
from telecrm_desktop.core.sources.workbook_size import column_number
from telecrm_desktop.core.sources.xlsx_preview import (
    MS_PER_DAY,
    PreviewUnavailable,
    excel_date,
    round_half_away,
    shared_strings_part,
    sheet_part,
    style_kinds,
)

CHUNK_BYTES = 64 * 1024  # uncompressed XML per step: about 1 ms of regex work
_HEAD_BYTES = 64 * 1024  # read first: a part's root element and any DTD are in it
_LIST_STRINGS = 65_536  # shared strings kept as str objects; the rest in one UTF-8 blob
_SMALL_OFFSETS_UP_TO = 0xFFFF_FFFF  # blob offsets fit 4 bytes up to here


class StreamProblem(Exception):
    """The sheet cannot be read (damaged XML, a DTD, a missing part): its text says what."""


# -- text ----------------------------------------------------------------------------------
_ENTITY = re.compile(rb"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}


def _entity(found: re.Match) -> bytes:
    name = found.group(1)
    if name in _NAMED:
        return _NAMED[name].encode()
    code = int(name[2:], 16) if name[:2] == b"#x" else int(name[1:])
    return found.group(0) if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code).encode()


_ESCAPED = re.compile(rb"_x([0-9A-Fa-f]{4})_")  # OOXML's own escape: _x000D_ is a carriage return
_ESCAPED_STR = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _escaped_char(found: re.Match) -> str:
    code = int(found.group(1), 16)
    return found.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # half a surrogate pair: kept as written


def _escaped(found: re.Match) -> bytes:
    code = int(found.group(1), 16)
    return found.group(0) if 0xD800 <= code <= 0xDFFF else chr(code).encode()


_XML_SPACE = b" \t\r\n"
_PRESERVED = (b'xml:space="preserve"', b"xml:space='preserve'")


def _unescape(raw: bytes, preserve: bool = True) -> bytes:
    """Text as calamine gives it: CR LF and CR made LF, entities and character references
    decoded, then (unless xml:space="preserve") XML white space trimmed from both ends, then
    OOXML's _xHHHH_ escapes decoded. Hot paths test for "&", "_x" and CR first: most text has
    none of them."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"&" in raw:
        raw = _ENTITY.sub(_entity, raw)
    if not preserve:
        raw = raw.strip(_XML_SPACE)
    if b"_x" in raw:
        raw = _ESCAPED.sub(_escaped, raw)
    return raw


def _unescape_str(text: str, preserve: bool = True) -> str:
    """ElementTree's text (entities and line ends done), trimmed and _xHHHH_-decoded as calamine does."""
    if not preserve:
        text = text.strip(" \t\r\n")
    return _ESCAPED_STR.sub(_escaped_char, text) if "_x" in text else text


def _string_item(body: bytes, prefix: bytes) -> bytes:
    """The text of an <si> or <is>: its <t>s (one, or one per rich-text run; phonetic runs left
    out), each decoded alone, as calamine does."""
    body = re.sub(rb"<" + prefix + rb"rPh\b.*?</" + prefix + rb"rPh>", b"", body, flags=re.DOTALL)
    runs = re.findall(rb"<" + prefix + rb"t(\s[^>]*)?>([^<]*)</" + prefix + rb"t>", body)
    return b"".join(_unescape(text, attributes.strip() in _PRESERVED) for attributes, text in runs)


class SharedStrings:
    """xl/sharedStrings.xml, read as far as the cells asked so far need.

    The first _LIST_STRINGS strings (the repeated ones: a city, a status) are str objects; the
    rest (a million unique e-mails) are one UTF-8 blob and an array of offsets, about 9 bytes a
    string beyond the text itself instead of 50 or more."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None):
        self._stream = archive.open(part) if part else None
        self.listed: list[str] = []  # the first strings, as str
        self.blob = bytearray()
        self.ends = array("I")  # 4 bytes an offset; "Q" once the blob passes 4 GB
        self._carry = b""
        self._prefix = b""  # the part's namespace prefix ("x:"), learned from its head
        self._item: re.Pattern | None = None
        self._checked_head = False

    def __len__(self) -> int:
        return len(self.listed) + len(self.ends)

    def get(self, index: int) -> str | None:
        """The string at `index` ("" reads as None, as calamine's empty cells)."""
        while index >= len(self.listed) + len(self.ends):
            if not self._read_more():
                raise StreamProblem(f"a cell refers to shared string {index}, beyond the table's {len(self)}")
        if index < len(self.listed):
            return self.listed[index] or None
        at = index - len(self.listed)
        start = self.ends[at - 1] if at else 0
        return self.blob[start:self.ends[at]].decode() or None

    def _read_more(self) -> bool:
        if self._stream is None:
            return False
        chunk = self._stream.read(CHUNK_BYTES if self._checked_head else _HEAD_BYTES)
        if not self._checked_head:
            self._checked_head = True
            _refuse_dtd(chunk)
            found = re.search(rb"<(\w+:)?sst\b", chunk)
            self._prefix = found.group(1) or b"" if found else b""
            p = re.escape(self._prefix)
            # a plain <t> item straight from the pattern (trimmed, or kept as it is); rich text
            # and the rest through _string_item
            self._item = re.compile(
                rb"<" + p + rb"si><" + p + rb"t>([^<]*)</" + p + rb"t></" + p + rb"si>"
                rb"|<" + p + rb"si><" + p + rb't xml:space="preserve">([^<]*)</' + p + rb"t></" + p + rb"si>"
                rb"|<" + p + rb"si>(.*?)</" + p + rb"si>|<" + p + rb"si/>",
                re.DOTALL,
            )
        if not chunk:
            self._stream.close()
            self._stream = None
            return False
        text = self._carry + chunk
        end = text.rfind(b"</" + self._prefix + b"si>")
        if end < 0:
            self._carry = text
            return True
        end += len(self._prefix) + 5
        self._carry = text[end:]
        items = [
            (plain.strip(_XML_SPACE) if b"&" not in plain and b"_x" not in plain and b"\r" not in plain
             else _unescape(plain, False)) if plain
            else (kept if b"&" not in kept and b"_x" not in kept and b"\r" not in kept else _unescape(kept))
            if kept else _string_item(other, self._prefix) if other else b""
            for plain, kept, other in self._item.findall(text, 0, end)
        ]
        room = _LIST_STRINGS - len(self.listed)
        if room > 0:
            self.listed.extend(item.decode() for item in items[:room])
            items = items[room:]
        if items:
            ends = list(accumulate(map(len, items), initial=len(self.blob)))[1:]
            if ends[-1] > _SMALL_OFFSETS_UP_TO and self.ends.typecode == "I":
                self.ends = array("Q", self.ends)
            self.ends.extend(ends)
            self.blob += b"".join(items)
        return True

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def _refuse_dtd(head: bytes) -> None:
    upper = head[:4096].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise StreamProblem("the XML declares a DTD")


# -- the sheet -----------------------------------------------------------------------------
def _cell_pattern(p: bytes) -> re.Pattern:
    """Rows and cells as writers lay them out. Groups: row start tag, cell column letters, row
    digits, style, type, ">" when a <v>...</v> is there, its text, ">" when an <is> is there,
    the text of a plain <is><t> (trimmed when read), of a plain <is><t xml:space="preserve">,
    any other <is> body. (One-byte groups cost nothing: CPython shares those bytes objects.)"""
    return re.compile(
        rb"(<" + p + rb"row\b[^>]*>)"
        rb"|<" + p + rb'c(?: r="([A-Z]{1,3})(\d{1,7})")?(?: s="(\d{1,6})")?(?: t="(\w{1,9})")?'
        rb'(?: (?:cm|vm|ph)="\d*")*\s*'
        rb"(?:/>|>"
        rb"(?:<" + p + rb"f\b[^>]*/>|<" + p + rb"f\b[^>]*>[^<]*</" + p + rb"f>)?"
        rb"(?:<" + p + rb"v(>)([^<]*)</" + p + rb"v>|<" + p + rb"v\s*/>)?"
        rb"(?:<" + p + rb"is(>)(?:<" + p + rb"t>([^<]*)</" + p + rb"t></" + p + rb"is>"
        rb"|<" + p + rb't xml:space="preserve">([^<]*)</' + p + rb"t></" + p + rb"is>"
        rb"|(.*?)</" + p + rb"is>))?"
        rb"</" + p + rb"c>)",
        re.DOTALL,
    )


_ROW_NUMBER = re.compile(rb'\sr="(\d{1,7})"')
# cells that read as empty but that calamine counts in the sheet's extent (its last row and
# column): an empty text saved as such, an error; with <is> for inline strings
_EMPTY_BUT_THERE = (b"s", b"str", b"e")
_XML_SPACE_ATTRIBUTE = "{http://www.w3.org/XML/1998/namespace}space"


class SheetStream:
    """One pass over a sheet's rows. `records()` yields what excel_source's records() yields for
    the same sheet; `bytes_read` / `xml_bytes` is how far it has got."""

    def __init__(self, path: Path, sheet_name: str):
        self.path = path
        self.sheet_name = sheet_name
        self.bytes_read = 0
        self.xml_bytes = 0
        self.stopped_at_limit = False  # records(last_row) met a row below last_row

    def records(self, last_row: int | None = None) -> Iterator[Record]:
        """Records from row 1, blank rows included, up to the sheet's last row with a value
        (or `last_row`). Raises StreamProblem for a file it cannot read."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                part, date1904 = sheet_part(archive, self.sheet_name)
                kinds = style_kinds(archive)
                strings = SharedStrings(archive, shared_strings_part(archive))
                try:
                    yield from self._records(archive, part, kinds, date1904, strings, last_row)
                finally:
                    strings.close()
        except StreamProblem:
            raise
        except FileNotFoundError:
            raise
        except (PreviewUnavailable, ElementTree.ParseError, *ZIP_PROBLEMS) as error:
            raise StreamProblem(f"{type(error).__name__}: {error}") from None

    def _records(self, archive, part, kinds, date1904, strings, last_row) -> Iterator[Record]:
        info = archive.getinfo(part)
        self.xml_bytes = info.file_size
        date_styles = {i for i, kind in enumerate(kinds) if kind}
        width = 0
        written = 0  # the last row number yielded
        with archive.open(info) as stream:
            head = stream.read(_HEAD_BYTES)
            self.bytes_read = len(head)
            _refuse_dtd(head)
            root = re.search(rb"<(\w+:)?worksheet\b[^>]*>", head)
            if root is None:
                raise StreamProblem(f"{part} is not a worksheet")
            prefix = root.group(1) or b""
            pattern = _cell_pattern(re.escape(prefix))
            row_start = b"<" + prefix + b"row"
            decode = _Decoder(kinds, date_styles, date1904, strings, prefix)
            carry = head
            start = carry.find(b"<" + prefix + b"sheetData")
            if start < 0:
                start = 0
            carry = carry[start:]
            no_rows = b"<" + prefix + b"sheetData/>" in head
            while True:
                chunk = stream.read(CHUNK_BYTES)
                self.bytes_read += len(chunk)
                text = carry + chunk
                if chunk:
                    # everything before the last row's start is whole rows (some may be <row/>)
                    end = text.rfind(row_start)
                    if end <= 0:
                        carry = text
                        continue
                else:
                    end = len(text)
                    if not no_rows and b"</" + prefix + b"sheetData>" not in text:
                        raise StreamProblem(f"{part} ends before its last row")
                carry = text[end:]
                _sleep(0)  # a moment for other threads: the GUI's waits no longer than one chunk
                for number, row in decode.rows(text[:end], pattern, root.group(0)):
                    if last_row is not None and number > last_row:
                        self.stopped_at_limit = True
                        return
                    if number <= written:
                        raise StreamProblem(f"row {number} comes after row {written}")
                    if not row:
                        continue  # a row of styled empty cells: blank unless a value follows below
                    while written < number - 1:
                        written += 1
                        yield Record(written, (None,) * width)
                    width = max(width, len(row))
                    if len(row) < width:
                        row = row + [None] * (width - len(row))
                    written = number
                    yield Record(number, tuple(row))
                if not chunk:
                    return


class _Decoder:
    """Rows of a chunk of <sheetData> as (row number, cells up to the last valued one)."""

    def __init__(self, kinds, date_styles, date1904, strings: SharedStrings, prefix: bytes):
        self.kinds = kinds
        self.date_styles = date_styles
        self.date1904 = date1904
        self.strings = strings
        self.prefix = prefix
        self.row_number = 0
        self.columns: dict[bytes, int] = {}
        self.row_open = b"<" + prefix + b"row"
        # how a cell element can open; counting is far cheaper than a regex
        self.cell_opens = [b"<" + prefix + b"c" + end for end in (b" ", b">", b"/>", b"\t", b"\n", b"\r")]
        self.dated_styles = {str(i).encode(): i for i in date_styles}

    def rows(self, text: bytes, pattern: re.Pattern, root_tag: bytes) -> Iterator[tuple[int, list]]:
        found = pattern.findall(text)
        # every cell opening must have been matched, else a real XML parser reads this chunk
        rows_seen = text.count(self.row_open)
        cells_open = sum(text.count(opening) for opening in self.cell_opens)
        if len(found) != rows_seen + cells_open or b"<![CDATA[" in text:
            yield from self._rows_by_elementtree(text, root_tag)
            return
        row: list | None = None
        number = self.row_number
        number_text = b""
        column = 0
        columns = self.columns
        strings, dated_styles = self.strings, self.dated_styles
        listed, blob, ends = strings.listed, strings.blob, strings.ends  # grow in place as strings are read
        for row_tag, letters, digits, style, kind, has_v, value, has_is, plain, kept, inline in found:
            if row_tag:
                if row is not None:
                    yield number, row
                marked = _ROW_NUMBER.search(row_tag)
                if marked:
                    number_text = marked.group(1)
                    number = int(number_text)
                else:
                    number += 1
                    number_text = str(number).encode()
                row = []
                column = 0
                if row_tag[-2:] == b"/>":
                    yield number, row
                    row = None
                continue
            if letters:
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = column_number(letters) - 1
                if digits != number_text or row is None:
                    raise StreamProblem(f"cell {(letters + digits).decode()} is not in its row ({number})")
            elif row is None:
                raise StreamProblem("a cell outside a row")
            # the cell's value, as calamine gives it
            if kind == b"s":
                if value:
                    index = int(value)
                    if index < len(listed):
                        cell = listed[index] or None
                    elif 0 < index - _LIST_STRINGS < len(ends):  # in the blob already
                        cell = blob[ends[index - _LIST_STRINGS - 1]:ends[index - _LIST_STRINGS]].decode() or None
                    else:
                        cell = strings.get(index)
                else:
                    cell = None
            elif not kind or kind == b"n":
                if not value:
                    cell = None
                elif style in dated_styles:
                    cell = self._dated(float(value), dated_styles[style])
                else:
                    cell = float(value)
            elif kind == b"str":
                cell = _unescape(value).decode() or None if value else None
            elif kind == b"inlineStr":
                if plain:
                    cell = (plain.strip(_XML_SPACE) if b"&" not in plain and b"_x" not in plain and b"\r" not in plain
                            else _unescape(plain, False)).decode() or None
                elif kept:
                    cell = (kept if b"&" not in kept and b"_x" not in kept and b"\r" not in kept
                            else _unescape(kept)).decode()
                else:
                    cell = _string_item(inline, self.prefix).decode() or None if inline else None
            elif kind == b"b":
                cell = value == b"1" if value else None
            elif kind == b"e":
                cell = None
            elif kind == b"d":
                cell = _iso_date(value.decode()) if value else None
            else:
                raise StreamProblem(f"cell type {kind.decode(errors='replace')!r}")
            if cell is not None:
                if column == len(row):
                    row.append(cell)
                elif column > len(row):
                    row.extend([None] * (column - len(row)))
                    row.append(cell)
                else:
                    row[column] = cell
            elif column >= len(row) and (has_is and kind == b"inlineStr" or
                                         has_v and kind in _EMPTY_BUT_THERE and (value or kind != b"s")):
                row.extend([None] * (column + 1 - len(row)))  # calamine counts it in the sheet's extent
            column += 1
        if row is not None:
            yield number, row
        self.row_number = number

    def _dated(self, serial: float, style: int) -> CellValue:
        if self.kinds[style] == "date":
            return excel_date(serial, self.date1904)
        return dt.timedelta(milliseconds=round_half_away(serial * MS_PER_DAY))

    def _rows_by_elementtree(self, text: bytes, root_tag: bytes) -> Iterator[tuple[int, list]]:
        """The same rows through a real XML parser: for layouts the pattern does not vouch for."""
        start = text.find(b"<" + self.prefix + b"row")
        fragment = text[start:] if start >= 0 else b""
        end = fragment.rfind(b"</" + self.prefix + b"row>")
        fragment = fragment[:end + len(self.prefix) + 6] if end >= 0 else b""
        closing = b"</" + root_tag[1:].split(None, 1)[0].rstrip(b">") + b">"
        root = ElementTree.fromstring(root_tag + fragment + closing)
        ns = "{" + root.tag[1:].split("}")[0] + "}" if root.tag.startswith("{") else ""
        number = self.row_number
        for element in root.iter(ns + "row"):
            number = int(element.get("r") or number + 1)
            row: list = []
            column = 0
            for c in element.iter(ns + "c"):
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = column_number(letters) - 1
                    if int(ref[len(letters):]) != number:
                        raise StreamProblem(f"cell {ref} is in row {number}")
                cell = self._element_value(c, ns)
                if cell is not None:
                    row.extend([None] * (column + 1 - len(row)))
                    row[column] = cell
                elif column >= len(row) and _there_though_empty(c, ns):
                    row.extend([None] * (column + 1 - len(row)))
                column += 1
            yield number, row
        self.row_number = number

    def _element_value(self, c, ns: str) -> CellValue:
        kind = c.get("t") or "n"
        if kind == "inlineStr":
            inline = c.find(ns + "is")
            if inline is None:
                return None
            runs = [inline] if inline.find(ns + "t") is not None else [r for r in inline if r.tag == ns + "r"]
            return "".join(_unescape_str(t.text or "", t.get(_XML_SPACE_ATTRIBUTE) == "preserve")
                           for run in runs for t in run.iter(ns + "t")) or None
        v = c.find(ns + "v")
        value = (v.text or "") if v is not None else ""
        if not value:
            return None
        if kind == "n":
            style = int(c.get("s") or 0)
            return self._dated(float(value), style) if style in self.date_styles else float(value)
        if kind == "s":
            return self.strings.get(int(value))
        if kind == "str":
            return _unescape_str(value)
        if kind == "b":
            return value == "1"
        if kind == "e":
            return None
        if kind == "d":
            return _iso_date(value)
        raise StreamProblem(f"cell type {kind!r}")


def _there_though_empty(c, ns: str) -> bool:
    """An empty cell calamine still counts in the sheet's extent (see _EMPTY_BUT_THERE)."""
    kind = (c.get("t") or "n").encode()
    if kind == b"inlineStr":
        return c.find(ns + "is") is not None
    v = c.find(ns + "v")
    return kind in _EMPTY_BUT_THERE and v is not None and (kind != b"s" or bool(v.text))


def _iso_date(text: str) -> CellValue:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment


def xlsx_preview(path: Path, sheet_name: str, limit: int) -> list[Record]:
    """The first `limit` rows of `sheet_name` (rows 1..limit, blank ones included), like calamine's."""
    stream = SheetStream(path, sheet_name)
    try:
        records = list(stream.records(last_row=limit))
    except StreamProblem as error:
        raise PreviewUnavailable(str(error)) from None
    except Exception as error:  # noqa: BLE001 - any surprise means "use the normal path"
        raise PreviewUnavailable(f"{type(error).__name__}: {error}") from None
    # calamine's rows are as wide as the sheet's widest row; here, the widest of these rows
    width = max((len(r.cells) for r in records), default=0)
    rows = limit if stream.stopped_at_limit else len(records)
    records += [Record(n, ()) for n in range(len(records) + 1, rows + 1)]
    return [r if len(r.cells) == width else Record(r.number, r.cells + (None,) * (width - len(r.cells)))
            for r in records]
