"""Checking a big sheet on every core: worker processes convert, this process gathers.

A CSV file in an encoding that can be cut at newlines goes to the workers as raw chunks of bytes:
each worker parses its own chunks, so this process neither parses the file nor ships its cells.
A chunk whose cut falls inside a quoted cell (a note with line breaks) is found by the worker
(`CsvSource.chunk_records`), and from there the file is read here, record by record, and its
rows are sent as batches, as for workbooks (whose readers load the whole sheet anyway).

Work goes out at most a few pieces ahead of the results, so memory stays bounded however long the
file, and results come back in order as compact `CheckedRow`s: the request body already as JSON
text, ready for the merger's bounded mode and the payloads file. A worker numbers a chunk's rows
from 1; this process adds the records of the chunks before it.

Used by the command line only, and only where worker processes start by forking (Linux): a
frozen Windows or macOS bundle would have to re-launch itself for each worker. Elsewhere, and
for small files, `checked_rows` converts in this process; the results are the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, NamedTuple

from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.check.json_text import dumps as _dumps
from telecrm_desktop.core.check.pipeline import PROGRESS_EVERY, RowPlan, RowResult, check_rows
from telecrm_desktop.core.sources.csv_source import CsvSource
from telecrm_desktop.core.sources.table import DataRow, Table, data_rows
from telecrm_desktop.core.check.wording import renumbered

WORKERS_ENV = "TELECRM_CHECK_WORKERS"  # 1 turns the workers off
BATCH = 2000  # rows per batch sent to a worker
CHUNK_BYTES = 512 * 1024  # bytes of CSV per chunk (about 2,000 rows of 20 columns)
AHEAD = 4  # batches or chunks in flight per worker
MIN_ROWS = 20_000  # below this, starting workers costs more than it saves

_plan: RowPlan | None = None  # each worker's own copy
_bodies = True
_source = None  # the CSV source whose chunks the worker parses
_header_row = 0
_width = 0


class CheckedRow(NamedTuple):
    """A RowResult reduced to what the report, the merger and the payloads need (a tuple: cheap
    to send between processes)."""

    row: int
    identifier: str | None
    status: str
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    key: str | None
    body_json: str  # the request body as JSON text; "" for invalid rows, or when not asked for
    name: str | None = None  # the lead's name field as encoded (the results' Name column)


def compact(result: RowResult, bodies: bool = True) -> CheckedRow:
    """`bodies=False` leaves the JSON text out, for a check that writes no payloads."""
    return CheckedRow._make(_compact_fields(result, bodies))


def _compact_fields(result: RowResult, bodies: bool) -> tuple:
    # a plain tuple: a third of a named tuple's cost to pickle and unpickle
    key = result.key
    name = result.fields.get("name")
    name = name if isinstance(name, str) else None
    if key is None or not bodies:
        return (result.row, result.identifier, result.status, result.errors, result.warnings, key, "", name)
    return (result.row, result.identifier, result.status, result.errors, result.warnings, key, _dumps(result.body()),
            name)


def _start_worker(plan: RowPlan | tuple, bodies: bool, source, header_row: int, width: int) -> None:
    global _plan, _bodies, _source, _header_row, _width
    if isinstance(plan, tuple):  # a spawned worker: the plan's compiled steps do not pickle, its recipe does
        plan = RowPlan(*plan)
    _plan, _bodies, _source, _header_row, _width = plan, bodies, source, header_row, width
    # Ctrl-C is the parent's to handle: it stops reading and the pool winds down, tracebacks-free
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Rows make no reference cycles: the cycle collector runs a tenth as often (the heap
    # inherited from the parent is out of its sight: see _in_workers)
    gc.set_threshold(7000, 10, 10)


def _convert_batch(batch: list[tuple[int, tuple]]) -> list[tuple]:
    convert = _plan.convert  # type: ignore[union-attr]
    bodies = _bodies
    return [_compact_fields(convert(DataRow(number, values)), bodies) for number, values in batch]


def _convert_chunk(data: bytes, first: bool) -> tuple[int, list[tuple]] | None:
    """(records in the chunk, its checked rows numbered from 1), or None: read it with what follows."""
    records = _source.chunk_records(data, first)  # type: ignore[union-attr]
    if records is None or (first and len(records) < _header_row):
        return None
    convert = _plan.convert  # type: ignore[union-attr]
    bodies = _bodies
    rows = data_rows(enumerate(map(tuple, records), 1), _header_row if first else 0, _width)
    return len(records), [_compact_fields(convert(row), bodies) for row in rows]


def worker_count(rows_estimate: int | None) -> int:
    """How many worker processes to use: 0 means convert in this process."""
    wanted = os.environ.get(WORKERS_ENV)
    if wanted is not None:
        try:
            count = int(wanted)
        except ValueError:
            count = 1
        return count if count > 1 else 0
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if rows_estimate is not None and rows_estimate < MIN_ROWS:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


def checked_rows(table: Table, plan: RowPlan, *, on_progress: Callable[[int, float | None], None] | None = None,
                 workers: int | None = None, bodies: bool = True, start: str = "fork") -> Iterator[CheckedRow]:
    """Every data row checked, in row order, on `workers` processes (None: as many as fit).

    `bodies=False`: the rows' JSON text is left out (nothing will be merged into payloads).
    `start="spawn"`: the workers are new interpreters (the desktop app: a process running Qt
    threads is never forked); they build the plan again from its recipe."""
    if workers is None:
        workers = worker_count(table.source.estimated_records())
    if workers < 2:
        for result in check_rows(table, plan, on_progress=on_progress):
            yield compact(result, bodies)
        return
    yield from _in_workers(table, plan, workers, on_progress, bodies, start)


def _in_workers(table: Table, plan: RowPlan, workers: int, on_progress, bodies: bool,
                start: str = "fork") -> Iterator[CheckedRow]:
    source = table.source
    chunked = isinstance(source, CsvSource) and source.splittable() and type(table).rows is Table.rows
    context = multiprocessing.get_context(start)
    forked = start == "fork"
    recipe = plan if forked else (plan.headers, plan.mapping, plan.ctx, plan.schema)
    # Frozen before the fork: a worker's cycle collector then never walks (and so never copies,
    # page by page) the heap it shares with this process
    if forked:
        gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(recipe, bodies, source if chunked else None, table.header_row,
                                           len(table.headers))) as pool:
            gather = _Gather(pool, workers * AHEAD, source, on_progress)
            rows = table.rows()
            if chunked:
                rest = yield from gather.chunks(source)
                rows = None if rest is None else table.rows(source.records(*rest))  # read here from `rest`
            if rows is not None:
                yield from gather.batches(rows)
    finally:
        if forked:
            gc.unfreeze()
    if on_progress is not None:
        on_progress(gather.done, 1.0)


class _Gather:
    """Keeps the workers busy a few pieces ahead and yields their results in order."""

    def __init__(self, pool: ProcessPoolExecutor, ahead: int, source, on_progress) -> None:
        self.pool, self.ahead, self.source, self.on_progress = pool, ahead, source, on_progress
        self.done = 0
        self._next_report = PROGRESS_EVERY
        self._share: float | None = None  # of the file gathered, while the workers parse it

    def chunks(self, source: CsvSource) -> Iterator[CheckedRow]:
        """The rows of a CSV file parsed by the workers chunk by chunk. Returns None when done,
        else (start byte, first record number) of where the rest must be read in this process."""
        pending: deque = deque()  # (future or None, start byte, end byte)
        records = 0  # in the chunks gathered so far
        size = max(1, os.path.getsize(source.path))
        pieces = source.chunks(CHUNK_BYTES)
        more = True
        try:
            while True:
                while more and len(pending) < self.ahead:
                    start, data = next(pieces, (None, None))
                    if start is None:
                        more = False
                    elif data is None:  # the rest cannot be cut
                        pending.append((None, start, start))
                        more = False
                    else:
                        pending.append((self.pool.submit(_convert_chunk, data, start == 0), start, start + len(data)))
                if not pending:
                    return None
                future, start, end = pending.popleft()
                answer = future.result() if future is not None else None
                if answer is None:
                    return start, records + 1
                self._share = end / size
                yield from self._numbered(answer[1], records)
                records += answer[0]
        finally:
            pieces.close()
            self._share = None
            for future, _, _ in pending:
                if future is not None:
                    future.cancel()

    def batches(self, rows: Iterator[DataRow]) -> Iterator[CheckedRow]:
        """Rows read here, converted by the workers in batches."""
        pending: deque = deque()
        batch: list = []
        try:
            for row in rows:
                batch.append((row.number, row.values))  # plain tuples: the cheapest to pickle
                if len(batch) < BATCH:
                    continue
                pending.append(self.pool.submit(_convert_batch, batch))
                batch = []
                while len(pending) >= self.ahead:
                    yield from self._numbered(pending.popleft().result(), 0)
            if batch:
                pending.append(self.pool.submit(_convert_batch, batch))
            while pending:
                yield from self._numbered(pending.popleft().result(), 0)
        finally:
            for future in pending:
                future.cancel()

    def _numbered(self, results: list[tuple], offset: int) -> Iterator[CheckedRow]:
        make = CheckedRow._make
        if offset:
            for fields in results:
                yield _moved(fields, offset)
        else:
            for fields in results:
                yield make(fields)
        self.done += len(results)
        if self.on_progress is not None and self.done >= self._next_report:
            self._next_report = self.done + PROGRESS_EVERY
            self.on_progress(self.done, self._share if self._share is not None else self.source.progress())


def _moved(fields: tuple, offset: int) -> CheckedRow:
    """A chunk's row, numbered from 1 in the worker, at its place in the file."""
    row, identifier, status, errors, warnings, key, body, name = fields
    row += offset
    if errors:
        errors = tuple(renumbered(f, row) for f in errors)
    if warnings:
        warnings = tuple(renumbered(f, row) for f in warnings)
    return CheckedRow(row, identifier, status, errors, warnings, key, body, name)
