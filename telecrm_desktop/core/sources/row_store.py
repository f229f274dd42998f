"""A sheet's data rows kept compactly for the app: spooled to a temporary file, 16 bytes of memory
a row (its place in the file and its row number), read back by position or in order.

The reading thread appends while the window paints what has arrived; a check reads them through
in order, the review table a screenful at a time.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Iterable, Iterator

from telecrm_desktop.core.sources.table import DataRow
from telecrm_desktop.core.spool import Spool


class RowStore:
    def __init__(self, rows: Iterable[DataRow] = (), folder: str | None = None) -> None:
        self._cells = Spool(folder)
        self._numbers = array("q")  # the row a person sees, per position (increasing)
        self._count = 0
        self.extend(rows)

    def extend(self, rows: Iterable[DataRow]) -> int:
        """Append rows in file order (one thread at a time); returns the new length."""
        numbers = []
        values = []
        for row in rows:
            numbers.append(row.number)
            values.append(row.values)
        if numbers:
            self._cells.extend(values)
            self._numbers.extend(numbers)
            self._count = len(self._numbers)
        return self._count

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def number_at(self, position: int) -> int:
        return self._numbers[position]

    def numbers(self, start: int = 0, stop: int | None = None) -> list[int]:
        """The row numbers at positions start..stop-1."""
        return self._numbers[start:self._count if stop is None else min(stop, self._count)].tolist()

    def position_of(self, number: int) -> int | None:
        """The position of the row a person calls `number`, or None when the sheet has no such row."""
        count = self._count
        i = bisect_left(self._numbers, number, 0, count)
        return i if i < count and self._numbers[i] == number else None

    def __getitem__(self, position):
        if isinstance(position, slice):
            start, stop, _ = position.indices(self._count)
            return list(self.rows(start, stop))
        if position < 0:
            position += self._count
        if not 0 <= position < self._count:
            raise IndexError("row position out of range")
        return DataRow(self._numbers[position], self._cells[position])

    def __iter__(self) -> Iterator[DataRow]:
        return self.rows()

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[DataRow]:
        stop = self._count if stop is None else min(stop, self._count)
        numbers = self._numbers
        for position, values in enumerate(self._cells.items(start, stop), start):
            yield DataRow(numbers[position], values)

    def close(self) -> None:
        self._cells.close()
