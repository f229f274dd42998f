"""What the check said per row, as the review table shows it: a RowCheck per row (problems by
column), and RowChecks, which gives one for any row of a million without a dict of them all.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

READY, WARNING, INVALID = "ready", "warning", "invalid"


@dataclass(frozen=True)
class CellProblem:
    severity: str  # "error" | "warning"
    message: str
    rule: str = ""  # the core's rule code, e.g. "dropdown.new_option"
    value: str | None = None  # the offending value as text


@dataclass
class RowCheck:
    """What validation said about one row, reduced to what the view needs."""

    status: str  # READY / WARNING / INVALID
    cells: dict[str | None, list[CellProblem]]  # column (None: the row as a whole) -> problems
    identifier: str = ""

    def messages(self) -> list[str]:
        return [p.message for problems in self.cells.values() for p in problems]


def row_check_from_findings(status: str, findings, identifier: str = "") -> RowCheck:
    """`findings`: core Finding objects (errors and warnings) for one row."""
    cells: dict[str | None, list[CellProblem]] = {}
    has_error = has_warning = False
    for f in findings:
        cells.setdefault(f.column, []).append(CellProblem(f.severity, f.message, f.rule, f.value))
        has_error |= f.severity == "error"
        has_warning |= f.severity != "error"
    if status == INVALID or has_error:
        status = INVALID
    elif has_warning:
        status = WARNING
    else:
        status = READY
    return RowCheck(status, cells, identifier)


_NO_PROBLEMS = RowCheck(READY, {})
_CACHED_CHECKS = 1024


class RowChecks:
    """Row number -> RowCheck, for every row of the sheet without a dict of them all: read from a
    compact whole-sheet check (core.check.sheet_check.SheetCheck) when a row is painted, plus the
    rows checked again one by one since (an edit)."""

    def __init__(self, sheet=None, checks: dict[int, RowCheck] | None = None,
                 positions: dict[tuple, Any] | None = None) -> None:
        self.sheet = sheet
        self.plain = checks if checks is not None else {}  # a small sheet's, or a test's, dict
        self.changed: dict[int, RowCheck] = {}
        self.positions = positions or {}  # (statuses...) -> store positions, worked out by the check
        self._cache: dict[int, RowCheck] = {}

    def get(self, number: int, default=None):
        found = self.changed.get(number) or self.plain.get(number)
        if found is not None or self.sheet is None:
            return found if found is not None else default
        found = self._cache.get(number)
        if found is not None:
            return found
        status = self.sheet.status_of(number)
        if status is None:
            return default
        if status == READY:
            return _NO_PROBLEMS
        verdict = self.sheet.verdict(number)
        found = row_check_from_findings(verdict.status, verdict.findings, verdict.identifier or "")
        if len(self._cache) >= _CACHED_CHECKS:
            self._cache.clear()
        self._cache[number] = found
        return found

    def status(self, number: int) -> str | None:
        found = self.changed.get(number) or self.plain.get(number)
        if found is not None:
            return found.status
        return self.sheet.status_of(number) if self.sheet is not None else None

    def __setitem__(self, number: int, check: RowCheck) -> None:
        self.changed[number] = check

    def numbers_with(self, statuses: tuple[str, ...]) -> list[int] | None:
        """Row numbers with these statuses when the checks are a plain dict; None for a compact check
        (its rows come as positions: `positions_with`)."""
        if self.sheet is not None:
            return None
        merged = {**self.plain, **self.changed}
        return sorted(n for n, c in merged.items() if c.status in statuses)

    def positions_with(self, statuses: tuple[str, ...], position_of) -> array:
        """Store positions of the rows with these statuses: the check's, corrected by rows checked since."""
        found = array("q", self.positions.get(statuses, ()))
        for number, check in sorted(self.changed.items()):
            position = position_of(number)
            if position is None:
                continue
            i = bisect_left(found, position)
            present = i < len(found) and found[i] == position
            if check.status in statuses and not present:
                found.insert(i, position)
            elif check.status not in statuses and present:
                found.pop(i)
        return found
