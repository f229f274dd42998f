"""Outcome tables: one row per spreadsheet row of a run (read a page at a time), and one row per past run."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from telecrm_desktop.gui.bridge.outcome_pages import FIRST, PAGE_ROWS, OutcomePageReader, RunOutcomes
from telecrm_desktop.gui.models.one_call import OneCallPerCell
from telecrm_desktop.gui.widgets import style

STATUS_KIND = {"queued": "ok", "unchanged": "ok", "skipped": "ok", "ready": "ok", "failed": "error",
               "invalid": "error", "uncertain": "warning", "pending": "", "left out": ""}


class _Titled(OneCallPerCell, QAbstractTableModel):
    """A table with fixed column titles."""

    HEADERS: list[str] = []

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class _ListModel(_Titled):
    """A table over a Python list of records, one row each."""

    def _records(self) -> list:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._records())


class ResultsModel(_Titled):
    """One row per spreadsheet row of a run (core journal RowOutcome objects), read a page at a time.

    The row count and the count of each outcome come with the run; a page of PAGE_ROWS outcomes is
    read (off the GUI thread, see bridge.outcome_pages) when a row of it is painted, and at most
    CACHED_PAGES are kept, so a 1,048,576-row run holds a few thousand outcomes, whatever is scrolled.
    The outcome filter is answered by the journal: its pages are pages of the filtered rows.
    """

    HEADERS = ["Row", "Identifier", "Name", "Outcome", "Reason", "Warnings"]
    CACHED_PAGES = 16
    PLACEHOLDER = "…"  # in the Row column while its page is on its way

    def __init__(self, parent=None, reader: OutcomePageReader | None = None):
        super().__init__(parent)
        self.reader = reader or OutcomePageReader(self)
        self.reader.page_read.connect(self._page_read, Qt.ConnectionType.QueuedConnection)
        self.reader.starts_read.connect(self._starts_read, Qt.ConnectionType.QueuedConnection)
        self.run_id: int | None = None
        self.status_filter: str | None = None
        self._counts: dict[str, int] = {}
        self._starts: dict[str | None, list[int]] = {}  # each filter's page starts, once read
        self._pages: OrderedDict[int, list] = OrderedDict()  # the shown filter's pages, least recently used first
        self._asked: set[int] = set()  # pages requested and not yet read
        self._view = 0  # bumped with every change of run or filter: answers for an older one are ignored

    # ----- what is shown -----
    def show_run(self, shown: RunOutcomes | None) -> None:
        """A run as the history worker read it (None: no run); a filter chosen before stays, and the
        run's pages of that filter are asked for."""
        self.beginResetModel()
        self._view += 1
        self.run_id = shown.run_id if shown is not None else None
        self._counts = dict(shown.counts) if shown is not None else {}
        self._starts = {None: shown.page_starts} if shown is not None and shown.page_starts is not None else {}
        self._pages.clear()
        self._asked.clear()
        if shown is not None and shown.first_page:
            self._pages[0] = shown.first_page
        if self.status_filter is not None:
            self._pages.clear()
            self._ask_starts()
        self.endResetModel()

    def set_page_starts(self, run_id: int, starts: list[int]) -> None:
        """The first row of every page of the run's rows (read after the first screen was shown)."""
        if run_id != self.run_id or None in self._starts:
            return
        self._starts[None] = starts
        if self.status_filter is None:
            self._repaint_all()

    def set_status_filter(self, status: str | None) -> None:
        if status == self.status_filter:
            return
        self.beginResetModel()
        self._view += 1
        self.status_filter = status
        self._pages.clear()
        self._asked.clear()
        if self.run_id is not None and status not in self._starts:
            self._ask_starts()
        self.endResetModel()

    def counts(self) -> dict[str, int]:
        """Rows per outcome in the whole run (whatever the filter)."""
        return dict(self._counts)

    def total(self) -> int:
        return sum(self._counts.values())

    def held(self) -> int:
        """Outcomes held in memory now (at most CACHED_PAGES pages)."""
        return sum(len(page) for page in self._pages.values())

    # ----- reading -----
    def _ask_starts(self) -> None:
        self.reader.request_starts(self._view, self.run_id, self.status_filter)

    def _ask_page(self, page: int) -> None:
        if page in self._asked:
            return
        anchor = self._anchor(page)
        if anchor is None:
            return  # asked for when the page starts are read (every row is repainted then)
        self._asked.add(page)
        for view, dropped in self.reader.request_page(self._view, self.run_id, self.status_filter, page, anchor):
            if view == self._view:
                self._asked.discard(dropped)  # asked again if it is still painted

    def _anchor(self, page: int) -> tuple | None:
        """Where the page is in the journal: from its first row when the page starts are known; else
        the first page, the last one (read back from the end: Ctrl+End is instant) and the page after
        a full one can still be found; None for the others until the starts are read."""
        starts = self._starts.get(self.status_filter)
        if starts is not None:
            return ("from", starts[page]) if page < len(starts) else None
        last_page = (self.rowCount() - 1) // PAGE_ROWS
        if page == 0:
            return FIRST
        if page == last_page:
            return ("before", None, self.rowCount() - page * PAGE_ROWS)
        before = self._pages.get(page - 1)
        if before is not None and len(before) == PAGE_ROWS:
            return ("from", before[-1].row + 1)
        return None

    def _repaint_all(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.HEADERS) - 1))

    def _starts_read(self, view, starts) -> None:
        if view != self._view:
            return
        self._starts[self.status_filter] = starts
        self._repaint_all()

    def _page_read(self, view, page: int, outcomes: list) -> None:
        if view != self._view:
            return
        self._asked.discard(page)
        self._pages[page] = outcomes
        self._pages.move_to_end(page)
        while len(self._pages) > self.CACHED_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_ROWS
        last = min(first + PAGE_ROWS, self.rowCount()) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.HEADERS) - 1))

    # ----- Qt -----
    def rowCount(self, parent=QModelIndex()):
        if parent.isValid():
            return 0
        return self.total() if self.status_filter is None else self._counts.get(self.status_filter, 0)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        page_number = index.row() // PAGE_ROWS
        page = self._pages.get(page_number)
        if page is None:
            self._ask_page(page_number)
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return self.PLACEHOLDER
            return None
        self._pages.move_to_end(page_number)
        offset = index.row() % PAGE_ROWS
        if offset >= len(page):  # the run changed under the count (a run being sent): shown blank
            return None
        o = page[offset]
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
