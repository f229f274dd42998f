"""Outcome tables: one row per spreadsheet row of a run, and one row per past run."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from telecrm_desktop.gui.widgets import style
from telecrm_desktop.gui.models.one_call import OneCallPerCell

STATUS_KIND = {"queued": "ok", "unchanged": "ok", "skipped": "ok", "ready": "ok", "failed": "error",
               "invalid": "error", "uncertain": "warning", "pending": "", "left out": ""}


class _ListModel(OneCallPerCell, QAbstractTableModel):
    """A table over a Python list of records, one row each, with fixed column titles."""

    HEADERS: list[str] = []

    def _records(self) -> list:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._records())

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class ResultsModel(_ListModel):
    """Rows are core journal RowOutcome objects (row, identifier, name, status, reason, warnings)."""

    HEADERS = ["Row", "Identifier", "Name", "Outcome", "Reason", "Warnings"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._all: list = []
        self._rows: list = []
        self.status_filter: str | None = None

    def set_outcomes(self, outcomes: list) -> None:
        self.beginResetModel()
        self._all = outcomes
        self._apply()
        self.endResetModel()

    def set_status_filter(self, status: str | None) -> None:
        self.beginResetModel()
        self.status_filter = status
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        f = self.status_filter
        self._rows = self._all if not f else [o for o in self._all if o.status == f]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self._all:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    def outcome(self, row: int):
        return self._rows[row]

    def _records(self) -> list:
        return self._rows

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        o = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            made = getattr(o, "made", "")  # created / updated, when the run looked its leads up
            status = f"{o.status} ({made})" if made else o.status
            return (str(o.row), o.identifier, getattr(o, "name", ""), status, o.reason, o.warnings)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 5):
            return (o.reason, o.warnings)[col - 4] or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            kind = STATUS_KIND.get(o.status, "")
            return style.status_colour(kind) if kind else style.muted_colour()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RunsModel(_ListModel):
    """Past runs from the journal (core RunInfo), newest first."""

    HEADERS = ["Run", "Started", "File", "State", "Outcomes"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs: list = []

    def set_runs(self, runs: list) -> None:
        self.beginResetModel()
        self.runs = sorted(runs, key=lambda r: r.id, reverse=True)
        self.endResetModel()

    def run(self, row: int):
        return self.runs[row]

    def row_of(self, run_id) -> int | None:
        return next((i for i, r in enumerate(self.runs) if r.id == run_id), None)

    def _records(self) -> list:
        return self.runs

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.runs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(r.id)
            if col == 1:
                return (r.started_at or "").replace("T", " ")[:16]
            if col == 2:
                return r.file_path.replace("\\", "/").rsplit("/", 1)[-1]
            if col == 3:
                return run_state_text(r)
            return ", ".join(f"{n:,} {s}" for s, n in sorted(r.counts.items()) if n)
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return r.file_path
        return None


def run_state_text(run) -> str:
    if run.state == "open":
        return "unfinished"
    if run.state == "stopped":
        return f"stopped ({run.stop_reason})" if run.stop_reason else "stopped"
    return "finished"
