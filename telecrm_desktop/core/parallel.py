"""Checking a big sheet on every core: this process reads, worker processes convert.

Rows go to the workers in batches, at most a few batches ahead of the results (so memory stays
bounded however long the file), and come back in order as compact `CheckedRow`s: the request
body already as JSON text, ready for the merger's bounded mode and the payloads file.

Used by the command line only, and only where worker processes start by forking (Linux): a
frozen Windows or macOS bundle would have to re-launch itself for each worker. Elsewhere, and
for small files, `checked_rows` converts in this process; the results are the same.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, NamedTuple

from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.json_text import dumps as _dumps
from telecrm_desktop.core.pipeline import PROGRESS_EVERY, RowPlan, RowResult, check_rows
from telecrm_desktop.core.table import DataRow, Table

WORKERS_ENV = "TELECRM_CHECK_WORKERS"  # 1 turns the workers off
BATCH = 2000  # rows per batch sent to a worker
AHEAD = 4  # batches in flight per worker
MIN_ROWS = 20_000  # below this, starting workers costs more than it saves

_plan: RowPlan | None = None  # each worker's own copy
_bodies = True


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


def compact(result: RowResult, bodies: bool = True) -> CheckedRow:
    """`bodies=False` leaves the JSON text out, for a check that writes no payloads."""
    key = result.key
    if key is None or not bodies:
        return CheckedRow(result.row, result.identifier, result.status, result.errors, result.warnings, key, "")
    body = {"fields": result.fields, "actions": result.actions} if result.actions else {"fields": result.fields}
    return CheckedRow(result.row, result.identifier, result.status, result.errors, result.warnings, key,
                      _dumps(body))


def _start_worker(plan: RowPlan, bodies: bool) -> None:
    global _plan, _bodies
    _plan, _bodies = plan, bodies
    # Ctrl-C is the parent's to handle: it stops reading and the pool winds down, tracebacks-free
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _convert_batch(batch: list[tuple[int, tuple]]) -> list[CheckedRow]:
    convert = _plan.convert  # type: ignore[union-attr]
    bodies = _bodies
    return [compact(convert(DataRow(number, values)), bodies) for number, values in batch]


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
                 workers: int | None = None, bodies: bool = True) -> Iterator[CheckedRow]:
    """Every data row checked, in row order, on `workers` processes (None: as many as fit).

    `bodies=False`: the rows' JSON text is left out (nothing will be merged into payloads)."""
    if workers is None:
        workers = worker_count(table.source.estimated_records())
    if workers < 2:
        for result in check_rows(table, plan, on_progress=on_progress):
            yield compact(result, bodies)
        return
    yield from _in_workers(table, plan, workers, on_progress, bodies)


def _in_workers(table: Table, plan: RowPlan, workers: int, on_progress, bodies: bool) -> Iterator[CheckedRow]:
    context = multiprocessing.get_context("fork")
    source = table.source
    done = 0
    next_report = PROGRESS_EVERY
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(plan, bodies)) as pool:
        pending: deque = deque()
        batch: list = []
        try:
            for row in table.rows():
                batch.append((row.number, row.values))  # plain tuples: the cheapest to pickle
                if len(batch) < BATCH:
                    continue
                pending.append(pool.submit(_convert_batch, batch))
                batch = []
                while len(pending) >= workers * AHEAD:
                    results = pending.popleft().result()
                    yield from results
                    done += len(results)
                    if on_progress is not None and done >= next_report:
                        next_report = done + PROGRESS_EVERY
                        on_progress(done, source.progress())
            if batch:
                pending.append(pool.submit(_convert_batch, batch))
            while pending:
                results = pending.popleft().result()
                yield from results
                done += len(results)
        finally:
            for future in pending:
                future.cancel()
    if on_progress is not None:
        on_progress(done, 1.0)
