"""A run's row outcomes for the Results step, a page at a time, read off the GUI thread.

A run can hold 1,048,576 rows: the Results table keeps a few pages and asks for the one about to
be painted. Each page is found by the spreadsheet row that starts it (core.send.journal's
row_page_starts), so the last page costs what the first does. A page of a rare outcome may lie
spread over the whole run (a filtered page read 30 to 150 ms), so pages are read by one thread of
their own, newest request first, and the table shows placeholders meanwhile.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.gui.bridge.existing_leads import with_created_or_updated
from telecrm_desktop.gui.bridge.gil import give_way

PAGE_ROWS = 500
PIECE_ROWS = 50  # rows read while holding the interpreter lock (about 0.2 ms)
WAITING_REQUESTS = 8  # older requests are dropped: the table has scrolled past them
IDLE_SECONDS = 20.0  # the reader's thread ends after this long without a request
BACKGROUND_NICE = 10  # the readers' threads, against the window's 0


@dataclass
class RunOutcomes:
    """What the Results table needs to show a run at once: its counts and its first page; the first
    row of every page (`page_starts`) comes after (a scan of the run: seconds at a million rows)."""

    run_id: int
    counts: dict[str, int]
    first_page: list = field(default_factory=list)
    page_starts: list[int] | None = None


def behind_the_window() -> None:
    """Let the GUI thread win the CPU over this thread (Linux: a thread has its own nice value; a
    scan of a million rows here competed with the window's painting on a busy machine). Elsewhere
    nothing changes."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    except (AttributeError, OSError):  # Windows has no setpriority; macOS takes no thread id
        pass


def read_first_screen(run_id: int, counts: dict[str, int] | None = None) -> RunOutcomes:
    """The run's first page, and its counts unless given (past_runs has them: kept with a run at
    its end, counted for an open one)."""
    with Journal(paths.journal_path()) as journal:
        counts = journal.row_counts(run_id) if counts is None else counts
        return RunOutcomes(run_id, counts, read_page(journal, run_id, FIRST, None))


def read_page_starts(run_id: int, status: str | None = None) -> list[int]:
    with Journal(paths.journal_path()) as journal:
        return journal.row_page_starts(run_id, PAGE_ROWS, status)


# where a page is: ("from", row): the page starting at that spreadsheet row; ("before", row or None,
# size): the `size` outcomes ending before that row (None: the run's, or the filter's, last ones)
FIRST = ("from", 0)


def read_page(journal: Journal, run_id: int, anchor: tuple, status: str | None) -> list:
    """A page, read in a few short pieces: between them the GUI thread gets the interpreter lock at
    once (bridge.gil), instead of waiting up to 5 ms for each cell it paints while this thread reads."""
    pieces: list[list] = []
    if anchor[0] == "from":
        from_row, wanted = anchor[1], PAGE_ROWS
        while wanted > 0:
            piece = journal.row_outcome_page(run_id, from_row, min(PIECE_ROWS, wanted), status)
            pieces.append(with_created_or_updated(journal, run_id, piece))
            give_way()
            if len(piece) < min(PIECE_ROWS, wanted):
                break
            wanted -= len(piece)
            from_row = piece[-1].row + 1
    else:
        before_row, wanted = anchor[1], anchor[2]
        while wanted > 0:
            piece = journal.row_outcomes_before(run_id, before_row, min(PIECE_ROWS, wanted), status)
            pieces.insert(0, with_created_or_updated(journal, run_id, piece))
            give_way()
            if len(piece) < min(PIECE_ROWS, wanted):
                break
            wanted -= len(piece)
            before_row = piece[0].row
    return [o for piece in pieces for o in piece]


class _Lane:
    """One thread serving requests newest first, with the journal open while it has any; at most
    `keep` requests wait (the oldest are dropped and handed back to the asker)."""

    def __init__(self, name: str, answer, keep: int):
        self.name, self.answer, self.keep = name, answer, keep
        self._lock = threading.Condition()
        self._requests: deque = deque()
        self._thread: threading.Thread | None = None
        self._journal: Journal | None = None
        self.busy_with = None  # the request being answered
        self.interrupted = False

    def put(self, request, interrupt_stale: bool = False) -> list:
        dropped = []
        with self._lock:
            self._requests.append(request)
            while len(self._requests) > self.keep:
                dropped.append(self._requests.popleft())
            busy, journal = self.busy_with, self._journal
            if interrupt_stale and busy is not None and busy[1] != request[1] and journal is not None:
                self.interrupted = True
                journal.db.interrupt()  # a scan for a filter no longer shown: stop it (thread-safe)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
                self._thread.start()
            self._lock.notify()
        return dropped

    def _next(self, wait: bool):
        with self._lock:
            if not self._requests and wait:
                self._lock.wait(IDLE_SECONDS)
            if not self._requests:
                self.busy_with = None
                if wait:
                    self._thread = None
                return None
            self.busy_with, self.interrupted = self._requests.pop(), False  # the newest: what is shown now
            return self.busy_with

    def _serve(self) -> None:
        behind_the_window()
        while (request := self._next(wait=True)) is not None:
            # the journal is open only while there are requests, as every other reader's: opening a
            # Journal reads and closes the file, and closing any descriptor of a file drops every POSIX
            # lock this process holds on it; a connection left open then lost its locks, the send
            # process took the journal for its last user and removed the WAL under it (disk I/O error)
            try:
                with Journal(paths.journal_path()) as journal:
                    with self._lock:
                        self._journal = journal
                    try:
                        while request is not None:
                            self.answer(journal, request, lambda: self.interrupted)
                            request = self._next(wait=False)
                    finally:
                        with self._lock:
                            self._journal = None
            except Exception as exc:  # noqa: BLE001 - the journal could not be opened: said, not raised
                self.answer(None, request, lambda: False, exc)


class OutcomePageReader(QObject):
    """Reads pages and page starts for the GUI thread, each in a thread of its own (a page is never
    queued behind a scan for page starts); answers come as signals.

    Every request carries the asker's `view` (any value: the model's run and filter of the moment):
    answers to a view the asker has left are simply ignored by it.
    """

    page_read = Signal(object, int, object)  # view, page number, list of outcomes
    starts_read = Signal(object, object)  # view, list of each page's first row
    read_failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pages = _Lane("results-pages", self._answer, WAITING_REQUESTS)
        self._starts = _Lane("results-page-starts", self._answer, 1)  # only the filter shown now
        self.rows_read = 0  # outcomes read since the reader was made (the tests' bound on reading)

    def request_page(self, view, run_id: int, status: str | None, page: int, anchor: tuple) -> list:
        """Queue a page (`anchor`: see read_page); returns the (view, page) requests dropped to make
        room, to be asked again."""
        return [(old[1], old[4]) for old in self._pages.put(("page", view, run_id, status, page, anchor))]

    def request_starts(self, view, run_id: int, status: str | None) -> None:
        self._starts.put(("starts", view, run_id, status, None, None), interrupt_stale=True)

    def _answer(self, journal: Journal | None, request, interrupted, error: Exception | None = None) -> None:
        try:
            self._read(journal, request, interrupted, error)
        except RuntimeError:  # the window (and this reader) closed while a page was being read
            pass

    def _read(self, journal: Journal | None, request, interrupted, error: Exception | None) -> None:
        kind, view, run_id, status, page, anchor = request
        try:
            if error is not None:
                raise error
            if kind == "starts":
                self.starts_read.emit(view, journal.row_page_starts(run_id, PAGE_ROWS, status))
            else:
                # no cyclic collection while a page is made, and the window's objects frozen after it
                # (collector.collector_paused): a full collection of the app's heap, set off by a page's
                # allocations, held the interpreter lock for 100 ms
                from telecrm_desktop.gui.bridge.collector import collector_paused

                with collector_paused():
                    outcomes = read_page(journal, run_id, anchor, status)
                self.rows_read += len(outcomes)
                self.page_read.emit(view, page, outcomes)
        except Exception as exc:  # noqa: BLE001 - a damaged or vanished journal: said, not raised
            if not interrupted():
                self.read_failed.emit(f"The run's rows could not be read from the journal: {exc}")
