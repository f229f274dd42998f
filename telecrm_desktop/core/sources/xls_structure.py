"""Checking a legacy .xls file's structure before calamine reads it.

A damaged .xls can make calamine loop on a sector chain that points back into itself, or
reserve room for the billions of cells a broken DIMENSIONS record claims; either way the Rust
allocator aborts the whole process, which no exception handler can catch. So the compound-file
(OLE2) sector chains are walked here first, with loop and bounds checks, and the workbook
stream's DIMENSIONS records are read. Anything inconsistent is reported as a damaged file.
"""

from __future__ import annotations

import struct
from pathlib import Path

from telecrm_desktop.core.sources.kind import damaged
from telecrm_desktop.core.sources.workbook_size import MAX_CELLS
from telecrm_desktop.core.sources.table import SourceError

MAX_CHECKED_BYTES = 512 * 1024 * 1024  # bigger .xls files are read into memory whole to check them
_END_OF_CHAIN = 0xFFFFFFFE
_FIRST_SPECIAL_ID = 0xFFFFFFFA  # ids from here on mark free, FAT or DIFAT sectors and chain ends
_DIMENSIONS = 0x0200
_WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")


class _Damaged(Exception):
    pass


def check_xls_structure(path: Path) -> None:
    """Raise SourceError when the .xls at `path` would make calamine crash the process."""
    try:
        size = path.stat().st_size
        if size > MAX_CHECKED_BYTES:
            raise SourceError(f"{path.name} is too big to read; split it into smaller files.")
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path.name} cannot be read: {error.strerror or error}.") from None
    try:
        workbook = _workbook_stream(data)
        cells = _largest_dimensions(workbook) if workbook is not None else 0
    except (_Damaged, struct.error, IndexError, UnicodeDecodeError):
        raise damaged(path, "xls") from None
    if cells > MAX_CELLS:
        raise SourceError(f"{path.name} is damaged or too big to read (a sheet claims {cells:,} cells).")


class _Compound:
    """Just enough of the OLE2 compound-file format to find a stream, every chain checked."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise _Damaged
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise _Damaged
        self.data = data
        self.sector_size = 1 << shift
        self.large = shift == 12
        self.sectors = max(0, (len(data) - self.sector_size + self.sector_size - 1) // self.sector_size)
        fat_sectors, self.dir_start = struct.unpack_from("<II", data, 44)
        self.mini_fat_start, self.mini_fat_sectors, difat_start = struct.unpack_from("<III", data, 60)
        if fat_sectors > self.sectors or self.mini_fat_sectors > self.sectors:
            raise _Damaged
        self.fat = self._read_fat(list(struct.unpack_from("<109I", data, 76)), difat_start)

    def sector(self, sector_id: int) -> bytes:
        if sector_id >= self.sectors:
            raise _Damaged
        start = (sector_id + 1) * self.sector_size
        return self.data[start:start + self.sector_size]

    def _read_fat(self, difat: list[int], next_id: int) -> list[int]:
        seen: set[int] = set()
        while next_id < _FIRST_SPECIAL_ID:
            if next_id in seen:
                raise _Damaged  # the DIFAT chain loops
            seen.add(next_id)
            ids = _u32s(self.sector(next_id))
            difat.extend(ids[:-1])
            next_id = ids[-1]
        fat: list[int] = []
        for sector_id in difat:
            if sector_id < _FIRST_SPECIAL_ID:
                fat.extend(_u32s(self.sector(sector_id)))
        return fat

    def chain(self, start: int, table: list[int]) -> list[int]:
        ids, seen = [], set()
        sector_id = start
        while sector_id != _END_OF_CHAIN:
            if sector_id >= len(table) or sector_id in seen:
                raise _Damaged  # beyond the allocation table, or a loop
            seen.add(sector_id)
            ids.append(sector_id)
            sector_id = table[sector_id]
        return ids

    def read(self, start: int, length: int, table: list[int], unit: int, source) -> bytes:
        parts = [source(i) for i in self.chain(start, table)]
        stream = b"".join(parts)
        if len(stream) < min(length, len(parts) * unit):
            raise _Damaged
        return stream[:length]

    def stream(self, names: tuple[str, ...]) -> bytes | None:
        directory = self.read(self.dir_start, 1 << 62, self.fat, self.sector_size, self.sector)
        entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
        if not entries:
            raise _Damaged
        root_start = struct.unpack_from("<I", entries[0], 116)[0]
        for entry in entries:
            name_length = struct.unpack_from("<H", entry, 64)[0]
            name = entry[:max(0, min(name_length, 64) - 2)].decode("utf-16-le", errors="replace")
            if entry[66] != 2 or name not in names:
                continue
            start = struct.unpack_from("<I", entry, 116)[0]
            length = struct.unpack_from("<Q" if self.large else "<I", entry, 120)[0]
            if length > len(self.data) * 2:
                raise _Damaged
            if length >= 4096:
                return self.read(start, length, self.fat, self.sector_size, self.sector)
            return self._mini_stream(root_start, start, length)
        return None

    def _mini_stream(self, root_start: int, start: int, length: int) -> bytes:
        mini_fat = _u32s(self.read(self.mini_fat_start, 1 << 62, self.fat, self.sector_size, self.sector))
        container = self.read(root_start, 1 << 62, self.fat, self.sector_size, self.sector)

        def mini_sector(mini_id: int) -> bytes:
            if (mini_id + 1) * 64 > len(container):
                raise _Damaged
            return container[mini_id * 64:(mini_id + 1) * 64]

        return self.read(start, length, mini_fat, 64, mini_sector)


def _workbook_stream(data: bytes) -> bytes | None:
    return _Compound(data).stream(_WORKBOOK_STREAMS)


# Records that hold cells (BIFF2 to BIFF8): each starts with its row and column.
_CELL_RECORDS = frozenset({
    0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006,  # BIFF2 blank, integer, number, label, boolerr, formula
    0x0201, 0x0203, 0x0204, 0x0205, 0x0206, 0x0406,  # blank, number, label, boolerr, formulas
    0x00D6, 0x00FD, 0x027E, 0x00BD, 0x00BE,  # rstring, labelsst, rk, mulrk, mulblank
})
_MULTIPLE = (0x00BD, 0x00BE)  # these end with the last column they fill
_BOF = frozenset({0x0009, 0x0209, 0x0409, 0x0809})


def _largest_dimensions(workbook: bytes) -> int:
    """The most cells any sheet asks for: by its DIMENSIONS records (which calamine reserves
    room for) and by the rectangle its cells span (which calamine allocates)."""
    largest = 0
    top = left = 0xFFFF
    bottom = right = -1
    position, end = 0, len(workbook) - 8
    unpack = struct.unpack_from
    while position <= end:  # hot loop: one unpack and a few comparisons per record
        kind, length, row, col = unpack("<HHHH", workbook, position)
        start = position + 4
        position = start + length
        if kind in _CELL_RECORDS:
            if row < top:
                top = row
            if row > bottom:
                bottom = row
            if col < left:
                left = col
            if col > right:
                right = col
            if kind in _MULTIPLE and length >= 6:
                last = unpack("<H", workbook, position - 2)[0]
                left, right = min(left, last), max(right, last)
        elif kind in _BOF:
            largest = max(largest, _span(top, bottom, left, right))
            top = left = 0xFFFF
            bottom = right = -1
        elif kind == _DIMENSIONS and length in (10, 14):
            largest = max(largest, _dimensions_cells(workbook[start:position]))
    return max(largest, _span(top, bottom, left, right))


def _span(top: int, bottom: int, left: int, right: int) -> int:
    return (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0


def _dimensions_cells(body: bytes) -> int:
    """Cells a DIMENSIONS record claims, computed the way calamine does."""
    if len(body) == 10:
        first_row, row_limit, first_col, col_limit = struct.unpack_from("<HHHH", body)
    else:
        first_row, row_limit, first_col, col_limit = struct.unpack_from("<IIHH", body)
    if first_col > 0xFF or col_limit < first_col:
        first_col = 0
    if row_limit >= 1 and col_limit >= 1:
        last_row, last_col = row_limit - 1, col_limit - 1
    else:
        last_row, last_col = first_row, first_col
    rows = ((last_row - first_row) % 2**32) + 1  # calamine subtracts in u32 arithmetic
    cols = ((last_col - first_col) % 2**32) + 1
    return rows * cols


def _u32s(block: bytes) -> list[int]:
    count = len(block) // 4
    return list(struct.unpack_from(f"<{count}I", block))
