"""A whole sheet checked and kept compactly: what the command line's send and the app's Review and
Send steps share, so both build the same leads and the same row records from the same loop.

In memory, per row: its number (8 bytes) and a status code (1 byte). Its identifier, name and
findings are spooled to a temporary file (core.spool) and read back by row number or in order.
Leads are merged by the bounded LeadMerger (JSON text, spooled to SQLite past 200,000 leads). Only
rows merged into an earlier row's lead are remembered apart, so a lead's rows are known at once.
A million-row sheet checks in about 40 MB on top of the merger.
"""

from __future__ import annotations

import weakref
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from typing import Callable, Iterator

from telecrm_desktop.core.check.merge import LeadMerger
from telecrm_desktop.core.check.parallel import CheckedRow, checked_rows
from telecrm_desktop.core.check.pipeline import INVALID, READY, Lead, RowPlan
from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.sources.table import Table
from telecrm_desktop.core.spool import Spool

WARNING = "warning"  # a ready row with warnings, as Review shows it (the report says "ready")
LEFT_OUT = "left out"  # a row the person left out: converted for its identifier and name only
UNCHECKED, READY_CODE, WARNING_CODE, INVALID_CODE, LEFT_OUT_CODE = 0, 1, 2, 3, 4
STATUS_OF_CODE = {READY_CODE: READY, WARNING_CODE: WARNING, INVALID_CODE: INVALID, LEFT_OUT_CODE: LEFT_OUT}
_LOG_BATCH = 1000
_STOP_EVERY = 1000


@dataclass(frozen=True, slots=True)
class RowVerdict:
    """What the check said about one row, read back from the spool."""

    row: int
    identifier: str | None
    key: str | None  # the merge key; None for an invalid row
    name: str | None
    status: str  # READY / WARNING / INVALID
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.errors + self.warnings


def _plain(findings: tuple[Finding, ...]) -> tuple:
    return tuple((f.row, f.column, f.value, f.rule, f.message, f.severity, f.suggestion) for f in findings)


def _findings(plain: tuple) -> tuple[Finding, ...]:
    return tuple(Finding(*f) for f in plain)


def _code(row: CheckedRow) -> int:
    if row.status == INVALID or row.errors:
        return INVALID_CODE
    return WARNING_CODE if row.warnings else READY_CODE


class SheetCheck:
    def __init__(self, *, folder: str | None = None, missing_columns: list[str] | None = None,
                 left_out: set[int] | frozenset[int] = frozenset(), spool_after: int | None = None) -> None:
        self.merger = LeadMerger(mode="bounded", spool_dir=folder,
                                 **({"spool_after": spool_after} if spool_after is not None else {}))
        self.numbers = array("q")  # checked rows' numbers, in file order
        self.codes = bytearray()  # their status codes, aligned with `numbers`
        self._log = Spool(folder)  # (identifier, key, name, errors, warnings) per checked row
        self._pending: list[tuple] = []
        self.first_row_of: dict[int, int] = {}  # a row merged into an earlier row's lead -> its first row
        self.groups: dict[int, list[int]] = {}  # first row -> every row of a lead made of several
        self.counts = {READY: 0, INVALID: 0}  # as the report counts them
        self.status_counts = {READY: 0, WARNING: 0, INVALID: 0}  # as Review shows them
        self.missing_columns = list(missing_columns or [])
        self.left_out = left_out  # row numbers to keep out of the leads (the app's Review step)
        self.left_out_count = 0
        self.stopped = False
        self._closer = weakref.finalize(self, _close, self.merger, self._log)

    # ----- filling -----
    def add(self, row: CheckedRow) -> None:
        number = row.row
        left_out = number in self.left_out
        code = LEFT_OUT_CODE if left_out else _code(row)
        self.numbers.append(number)
        self.codes.append(code)
        if left_out:
            self.left_out_count += 1
        else:
            self.status_counts[STATUS_OF_CODE[code]] += 1
            self.counts[row.status] += 1
        if row.key is not None and not left_out:
            first = self.merger.add_text(row.key, number, row.identifier, row.body_json)
            if first is not None:
                self.first_row_of[number] = first
                self.groups.setdefault(first, [first]).append(number)
        self._pending.append((row.identifier, row.key, row.name, _plain(row.errors), _plain(row.warnings)))
        if len(self._pending) >= _LOG_BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._log.extend(self._pending)
            self._pending = []

    # ----- reading -----
    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def lead_count(self) -> int:
        return self.merger.lead_count

    @property
    def merged_rows(self) -> int:
        return self.merger.merged_rows

    @property
    def leads(self) -> Iterator[Lead]:
        """Every lead, in the order of its first row (read from the merger's spool: iterate once)."""
        return self.merger.leads()

    def index_of(self, number: int) -> int | None:
        i = bisect_left(self.numbers, number)
        return i if i < len(self.numbers) and self.numbers[i] == number else None

    def status_of(self, number: int) -> str | None:
        """READY / WARNING / INVALID, or None for a row not checked or left out."""
        i = self.index_of(number)
        code = self.codes[i] if i is not None else LEFT_OUT_CODE
        return None if code == LEFT_OUT_CODE else STATUS_OF_CODE[code]

    def verdict(self, number: int) -> RowVerdict | None:
        i = self.index_of(number)
        return None if i is None else self._verdict(i, self._log[i])

    def _verdict(self, i: int, logged: tuple) -> RowVerdict:
        identifier, key, name, errors, warnings = logged
        return RowVerdict(self.numbers[i], identifier, key, name, STATUS_OF_CODE[self.codes[i]],
                          _findings(errors), _findings(warnings))

    def verdicts(self, *, left_out: bool = False) -> Iterator[RowVerdict]:
        """Every checked row's verdict in file order; `left_out=True`: the left-out rows' instead."""
        codes = self.codes
        for i, logged in enumerate(self._log):
            if (codes[i] == LEFT_OUT_CODE) == left_out:
                yield self._verdict(i, logged)

    def numbers_with(self, *statuses: str) -> array:
        """Row numbers whose status is one of `statuses`, in file order."""
        wanted = {code for code, status in STATUS_OF_CODE.items() if status in statuses}
        marks = self.codes.translate(bytes(1 if code in wanted else 0 for code in range(256)))
        numbers = self.numbers
        found = array("q")
        start = marks.find(1)
        while start != -1:  # one C search per row found, not a Python step per row
            found.append(numbers[start])
            start = marks.find(1, start + 1)
        return found

    def lead_rows(self, number: int) -> list[int]:
        """The rows of the lead row `number` belongs to (just [number] when it is alone)."""
        first = self.first_row_of.get(number, number)
        return list(self.groups.get(first, [number]))

    def rows_of_leads_after(self, count: int) -> Iterator[int]:
        """The rows of every lead after the first `count` (leads in the order of their first rows)."""
        kept: set[int] = set()
        leads = 0
        first_row_of = self.first_row_of
        for number, code in zip(self.numbers, self.codes):
            if code != READY_CODE and code != WARNING_CODE:
                continue
            first = first_row_of.get(number)
            if first is None:
                leads += 1
                if leads <= count:
                    kept.add(number)
                    continue
                yield number
            elif first not in kept:
                yield number

    def lead_identifier(self, verdict: RowVerdict) -> str | None:
        """The identifier of the lead a row went into, as its request sends it (the last row's)."""
        if verdict.key is None:
            return None
        rows = self.groups.get(self.first_row_of.get(verdict.row, verdict.row))
        if not rows or rows[-1] == verdict.row:
            return verdict.identifier
        last = self.verdict(rows[-1])
        return last.identifier if last is not None else verdict.identifier

    def close(self) -> None:
        self._closer()


def _close(merger: LeadMerger, log: Spool) -> None:
    merger.close()
    log.close()


def check_sheet(table: Table, plan: RowPlan, *, on_progress: Callable[[int, float | None], None] | None = None,
                should_stop: Callable[[], bool] | None = None, workers: int | None = None,
                folder: str | None = None, left_out: set[int] | frozenset[int] = frozenset(),
                start: str = "fork", spool_after: int | None = None) -> SheetCheck:
    """Every row of `table` checked (on every core for a big file) and merged into leads; rows in
    `left_out` are read for their identifier and name and kept out of the leads and counts.
    `start`: how worker processes start (core.check.parallel.checked_rows); `spool_after`: leads
    kept in memory before the merger moves them to its SQLite file (the merger's default when None)."""
    result = SheetCheck(folder=folder, missing_columns=plan.missing_columns, left_out=left_out,
                        spool_after=spool_after)
    try:
        add = result.add
        for count, row in enumerate(checked_rows(table, plan, on_progress=on_progress, workers=workers,
                                                            start=start), 1):
            add(row)
            if should_stop is not None and count % _STOP_EVERY == 0 and should_stop():
                result.stopped = True
                break
        result.flush()
    except BaseException:
        result.close()
        raise
    return result
