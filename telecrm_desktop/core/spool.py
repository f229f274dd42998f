"""A long list of small tuples kept in a temporary file: 8 bytes of memory per item.

A million rows of twenty cells held as Python tuples of str take 1.6 GB; the same rows marshalled
take about 0.2 GB, and on disk they take none of the app's memory. Items are appended (by one
thread: a reader or a check) and read back by index (a painted table row) or in order (the next
check), from any thread. What the OS keeps of the file in its page cache is not the app's memory
and is given back under pressure.

Items are marshalled (about 1 µs a row); a tuple holding what marshal cannot write (a workbook's
dates) is pickled instead, marked by its first byte.
"""

from __future__ import annotations

import marshal
import pickle
import tempfile
import threading
from array import array
from bisect import bisect_right
from typing import Any, Iterable, Iterator

_MARSHAL, _PICKLE = b"m", b"p"
_READ_BLOCK = 1 << 20  # bytes read at a time when going through in order
_CACHE_ITEMS = 512  # recently read items: a painted screen asks for each row once per cell


def _encoded(item: tuple) -> bytes:
    try:
        return _MARSHAL + marshal.dumps(item)
    except ValueError:  # a datetime, a date or a time
        return _PICKLE + pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


def _decoded(data: bytes | memoryview) -> Any:
    if data[:1] == _MARSHAL:
        return marshal.loads(data[1:])
    return pickle.loads(data[1:])


class Spool:
    """Append-only, indexable, iterable; `close()` (or the process ending) deletes the file."""

    def __init__(self, folder: str | None = None) -> None:
        # deleted when closed, even when the process is killed (unlinked at once on POSIX)
        self._file = tempfile.TemporaryFile(prefix="telecrm-spool-", dir=folder)
        self._ends = array("q")  # item i ends at _ends[i]; starts where i - 1 ends
        self._count = 0  # published: readers never look past it
        self._size = 0
        self._lock = threading.Lock()
        self._cache: dict[int, Any] = {}

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def extend(self, items: Iterable[tuple]) -> int:
        """Append items (from one thread at a time); returns the new length."""
        chunk = bytearray()
        ends = []
        size = self._size
        for item in items:
            data = _encoded(item)
            chunk += data
            size += len(data)
            ends.append(size)
        if not ends:
            return self._count
        with self._lock:
            self._file.seek(self._size)
            self._file.write(chunk)
            self._file.flush()
            self._size = size
            self._ends.extend(ends)
            self._count = len(self._ends)
        return self._count

    def _span(self, index: int) -> tuple[int, int]:
        return (self._ends[index - 1] if index else 0), self._ends[index]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self.items(*index.indices(self._count)[:2]))
        count = self._count
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("spool index out of range")
        found = self._cache.get(index)
        if found is not None:
            return found
        start, end = self._span(index)
        with self._lock:
            self._file.seek(start)
            data = self._file.read(end - start)
        item = _decoded(data)
        if len(self._cache) >= _CACHE_ITEMS:
            self._cache.clear()
        self._cache[index] = item
        return item

    def __iter__(self) -> Iterator[Any]:
        return self.items()

    def items(self, start: int = 0, stop: int | None = None) -> Iterator[Any]:
        """Items start..stop-1 in order, read a block at a time."""
        stop = self._count if stop is None else min(stop, self._count)
        index = start
        while index < stop:
            begin = self._ends[index - 1] if index else 0
            # as many items as fit a block (at least one)
            last = max(index, bisect_right(self._ends, begin + _READ_BLOCK, index, stop) - 1)
            end = self._ends[last]
            with self._lock:
                self._file.seek(begin)
                block = memoryview(self._file.read(end - begin))
            offset = begin
            for i in range(index, last + 1):
                item_end = self._ends[i]
                yield _decoded(block[offset - begin:item_end - begin])
                offset = item_end
            index = last + 1

    def close(self) -> None:
        with self._lock:
            self._cache.clear()
            self._file.close()
