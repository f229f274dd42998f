"""The whole sheet for review: every row with its status, bad cells washed red or amber, the
reason as tooltip, corrected cells shown with their new value, left-out rows greyed.

Built for a million rows: the rows stay in the sheet's row store and the verdicts in the check's
spool (row_checks.RowChecks); the cells on screen are read and their text computed in data(), and a
filter is an array of positions.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from telecrm_desktop.gui.widgets import style
from telecrm_desktop.gui.bridge.disposal import dispose_later
from telecrm_desktop.gui.models.cell_text import cell_text
from telecrm_desktop.gui.models.corrections import Corrections
from telecrm_desktop.gui.models.one_call import OneCallPerCell

from telecrm_desktop.gui.models.row_checks import (  # noqa: F401 - RowCheck & co. are imported from here too
    INVALID, READY, WARNING, CellProblem, RowCheck, RowChecks, row_check_from_findings,
)

EXCLUDED, UNCHECKED = "excluded", "unchecked"
BULK_ROWS = 10_000  # rows left out (or taken back) at once past which counts wait for the check
STATUS_TEXT = {READY: "✓ ready", WARNING: "⚠ warning", INVALID: "✕ invalid", EXCLUDED: "left out",
               UNCHECKED: "…"}
SHOW_ALL, SHOW_PROBLEMS, SHOW_INVALID, SHOW_EXCLUDED = range(4)
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole})


class ReviewModel(Corrections, OneCallPerCell, QAbstractTableModel):
    STATUS_COLUMN = 0
    cell_edited = Signal(int, str, object)  # row number, column name, new value

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: Any = []  # the sheet's RowStore (a list of DataRow in tests); may grow while loading
        self.edits: dict[int, dict[str, Any]] = {}
        self.excluded: set[int] = set()
        self.checks = RowChecks()  # row number -> RowCheck
        self.merged_into: Any = {}  # row number -> first row of its lead (when merged)
        self._visible: Any = None  # positions into rows (an array); None = all
        self.mode = SHOW_ALL
        self._column_of: dict[str, int] = {}
        self.ignored: set[str] = set()  # columns the mapping does not send: shown muted
        # corrections that can be undone (Ctrl+Z), newest last: each a list of (row number, column,
        # what the cell held before: a corrected value, or FILE_VALUE)
        self.undo_stack: list[list[tuple[int, str, Any]]] = []

    # ----- loading -----
    def set_sheet(self, headers: list[str], rows: list, edits: dict, excluded: set) -> None:
        self.beginResetModel()
        self.headers = list(headers)
        self._column_of = {h: i + 1 for i, h in enumerate(self.headers)}
        self.rows, self.edits, self.excluded = rows, edits, excluded
        self.undo_stack = []
        self.checks = RowChecks()
        self.merged_into = {}
        self._counts = None
        self._shown = len(rows)
        self._rebuild_filter()
        self.endResetModel()

    def rows_appended(self) -> None:
        """The shared row list grew (background reading): show the new rows."""
        if self._visible is not None:
            return  # filtered views are rebuilt when the check finishes
        shown = self._shown
        if len(self.rows) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(self.rows) - 1)
            self._shown = len(self.rows)
            self.endInsertRows()

    _shown = 0

    def set_checks(self, checks, merged_into=None, status_counts: dict[str, int] | None = None) -> None:
        """`checks`: a RowChecks, or a dict of row number -> RowCheck. `status_counts` (READY/WARNING/
        INVALID over the rows checked) spares a pass over every row."""
        self.beginResetModel()
        if isinstance(checks, dict):
            if checks is not getattr(self.checks, "plain", None):
                dispose_later(self.checks.plain)
            checks = RowChecks(checks=checks)
        self.checks = checks
        self._counts = self._count_all(status_counts)
        self.merged_into = merged_into or {}
        self._rebuild_filter()
        self.endResetModel()

    def set_row_check(self, number: int, check: RowCheck) -> None:
        if self._counts is not None and number not in self.excluded:
            self._counts[self.status_of(number)] -= 1
            self._counts[check.status] += 1
        self.checks[number] = check
        position = self.position_of_number(number)
        if position is not None:
            view_row = self.view_row_of_position(position)
            if view_row is not None:
                self.dataChanged.emit(self.index(view_row, 0), self.index(view_row, len(self.headers)))

    def set_mode(self, mode: int) -> None:
        self.beginResetModel()
        self.mode = mode
        self._rebuild_filter()
        self.endResetModel()

    def _rebuild_filter(self) -> None:
        if self.mode == SHOW_ALL:
            self._visible = None
            self._shown = len(self.rows)
            return
        wanted = {SHOW_PROBLEMS: (INVALID, WARNING), SHOW_INVALID: (INVALID,)}.get(self.mode, ())
        numbers = sorted(self.excluded) if self.mode == SHOW_EXCLUDED else self.checks.numbers_with(wanted)
        if numbers is not None:
            if self.mode != SHOW_EXCLUDED and self.excluded:
                numbers = [n for n in numbers if n not in self.excluded]
            self._visible = array("q", (p for p in map(self.position_of_number, numbers) if p is not None))
            return
        # a compact check: its rows per filter, as positions worked out when it ran
        visible = self.checks.positions_with(wanted, self.position_of_number)
        if self.excluded:
            number_at, excluded = self._number_at, self.excluded
            visible = array("q", (p for p in visible if number_at(p) not in excluded))
        self._visible = visible

    # ----- lookups -----
    def position_of(self, view_row: int) -> int:
        return view_row if self._visible is None else self._visible[view_row]

    def row_at(self, view_row: int):
        return self.rows[self.position_of(view_row)]

    def number_at(self, view_row: int) -> int:
        """The row number shown on this line of the table, without reading the row's cells."""
        return self._number_at(self.position_of(view_row))

    def _number_at(self, position: int) -> int:
        number_at = getattr(self.rows, "number_at", None)
        return number_at(position) if number_at is not None else self.rows[position].number

    def position_of_number(self, number: int) -> int | None:
        position_of = getattr(self.rows, "position_of", None)
        if position_of is not None:
            return position_of(number)
        # rows are in file order with increasing numbers: binary search
        lo, hi = 0, len(self.rows)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.rows[mid].number < number:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.rows) and self.rows[lo].number == number else None

    def view_row_of_position(self, position: int) -> int | None:
        if self._visible is None:
            return position if position < self._shown else None
        import bisect

        i = bisect.bisect_left(self._visible, position)
        return i if i < len(self._visible) and self._visible[i] == position else None

    def problem_rows_from(self, start: int):
        """View rows that may hold a problem, from `start` on and round to the top again (the
        caller checks each): with a compact check only its problem rows, not every row."""
        n = self.rowCount()
        if self.checks.sheet is None or self._visible is not None:
            for offset in range(n):
                yield (start + offset) % n
            return
        positions = self.checks.positions_with((INVALID, WARNING), self.position_of_number)
        first = bisect_left(positions, start)
        for position in list(positions[first:]) + list(positions[:first]):
            if position < n:
                yield position

    def status_of(self, number: int) -> str:
        if number in self.excluded:
            return EXCLUDED
        return self.checks.status(number) or UNCHECKED

    def value_of(self, row, column_index: int):
        """The value shown and sent: the user's correction when there is one, else the file's."""
        header = self.headers[column_index]
        edited = self.edits.get(row.number)
        if edited and header in edited:
            return edited[header]
        return row.values[column_index]

    def problems_of(self, number: int, header: str | None) -> list[CellProblem]:
        check = self.checks.get(number)
        return check.cells.get(header, []) if check else []

    # ----- Qt -----
    def rowCount(self, parent=QModelIndex()):
        if parent.isValid():
            return 0
        return self._shown if self._visible is None else len(self._visible)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.headers) + 1

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and section > 0 and self.headers[section - 1] in self.ignored:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "This column is not sent (ignored on the Map step)."
            if role == Qt.ItemDataRole.ForegroundRole:
                return style.muted_colour()
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return "Status" if section == 0 else self.headers[section - 1]
        if 0 <= section < self.rowCount():
            number = self.number_at(section)
            mark = {INVALID: " ✕", WARNING: " ⚠", EXCLUDED: " –"}.get(self.status_of(number), "")
            return f"{number}{mark}"
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() > 0:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # a view asks about nine roles per cell on every paint: leave the unused ones at once
        if role not in _ROLES or not index.isValid():
            return None
        row = self.row_at(index.row())
        col = index.column()
        number = row.number
        if col == 0:
            status = self.status_of(number)
            if role == Qt.ItemDataRole.DisplayRole:
                text = STATUS_TEXT[status]
                if number in self.merged_into and status in (READY, WARNING):
                    text += f" · merged with row {self.merged_into[number]}"
                return text
            if role == Qt.ItemDataRole.ForegroundRole:
                kind = {READY: "ok", WARNING: "warning", INVALID: "error"}.get(status)
                return style.status_colour(kind) if kind else style.muted_colour()
            if role == Qt.ItemDataRole.ToolTipRole:
                check = self.checks.get(number)
                return "\n".join(check.messages()) if check and check.messages() else None
            return None
        header = self.headers[col - 1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return cell_text(self.value_of(row, col - 1))
        if role == Qt.ItemDataRole.ForegroundRole and header in self.ignored:
            return style.muted_colour()
        if role == Qt.ItemDataRole.BackgroundRole:
            if number in self.excluded:
                return style.EXCLUDED_WASH
            problems = self.problems_of(number, header)
            if problems:
                return style.ERROR_WASH if any(p.severity == "error" for p in problems) else style.WARNING_WASH
            edited = self.edits.get(number)
            if edited and header in edited:
                return style.EDITED_WASH
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = self.problems_of(number, header)
            lines = [p.message for p in problems]
            edited = self.edits.get(number)
            if edited and header in edited:
                lines.append(f"Corrected here; the file says “{cell_text(row.values[col - 1])}”.")
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.FontRole and number in self.excluded:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def rows_holding(self, column_index: int, text: str) -> list[int]:
        """Numbers of the rows whose cell (as corrected) reads `text`: with a compact check only its
        problem rows and the corrected ones are read (a value the check found fault with is a
        problem in every row that holds it), not every row of a million."""
        if self.checks.sheet is None:
            candidates = range(len(self.rows))
        else:
            found = set(self.checks.positions_with((INVALID, WARNING), self.position_of_number))
            found.update(p for p in map(self.position_of_number, self.edits) if p is not None)
            candidates = sorted(found)
        rows = self.rows
        return [row.number for row in (rows[p] for p in candidates)
                if cell_text(self.value_of(row, column_index)) == text]

    def numbers_in(self, first_view_row: int, last_view_row: int) -> list[int]:
        """Row numbers shown on view rows first..last (a whole selection without a QModelIndex each)."""
        if self._visible is None and hasattr(self.rows, "number_at"):
            return self.rows.numbers(first_view_row, last_view_row + 1)
        return [self.number_at(r) for r in range(first_view_row, last_view_row + 1)]

    def set_excluded(self, numbers: list[int], excluded: bool, *, bulk: bool = False) -> None:
        """`bulk` (or more than BULK_ROWS numbers): see _set_excluded_in_bulk."""
        if bulk or len(numbers) > BULK_ROWS:
            self._set_excluded_in_bulk(numbers, excluded)
            return
        for number in numbers:
            before = self.status_of(number)
            if excluded:
                self.excluded.add(number)
            else:
                self.excluded.discard(number)
            if self._counts is not None:
                self._counts[before] -= 1
                self._counts[self.status_of(number)] += 1
        if self._visible is not None:
            self.beginResetModel()
            self._rebuild_filter()
            self.endResetModel()
        elif self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.headers)))

    def _set_excluded_in_bulk(self, numbers, excluded: bool) -> None:
        """Many rows at once (a selection of 100,000): sets do the work in C. The status counts of
        those rows are not worked out one by one: they come with the check that follows."""
        if excluded:
            self.excluded.update(numbers)
        else:
            self.excluded.difference_update(numbers)
        if self._counts is not None:
            self._counts[EXCLUDED] = len(self.excluded)
        self.beginResetModel()
        self._rebuild_filter()
        self.endResetModel()

    def column_index(self, header: str) -> int | None:
        return self._column_of.get(header)

    _counts: dict[str, int] | None = None

    def _count_all(self, status_counts: dict[str, int] | None) -> dict[str, int]:
        """`status_counts`: READY/WARNING/INVALID over the rows the check counted (a left-out row is
        never among them); None: every row is looked at."""
        counts = {READY: 0, WARNING: 0, INVALID: 0, EXCLUDED: 0, UNCHECKED: 0}
        if status_counts is None:
            for row in self.rows:
                counts[self.status_of(row.number)] += 1
            return counts
        for status, n in status_counts.items():
            counts[status] = counts.get(status, 0) + n
        counts[EXCLUDED] = len(self.excluded)
        counts[UNCHECKED] = max(0, len(self.rows) - sum(status_counts.values()) - counts[EXCLUDED])
        return counts

    def counts(self) -> dict[str, int]:
        """Rows per status; kept up to date by edits and exclusions rather than recounted."""
        if self._counts is None:
            self._counts = self._count_all(None)
        return dict(self._counts)
