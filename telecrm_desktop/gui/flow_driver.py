"""Walks the app through the sandbox flow the way a new user would: used by `--self-test`,
by scripts/screenshots.py and by the GUI tests. Each step waits on the real widgets' state."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QEventLoop, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

LAST_ROW_PRESSES = 50  # Ctrl+End again while the table fetches more rows on the way to the end


class FlowError(Exception):
    """A step of the flow did not reach its expected state: one sentence saying which."""


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise FlowError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def settle() -> None:
    """Lets the event loop handle what is already pending (the new screen's layout and paint)
    before the next action: a user's click on the screen they were just shown is always a later
    event than that screen's first paint. No waiting beyond that."""
    QApplication.instance().processEvents(QEventLoop.ProcessEventsFlag.AllEvents)


def press_key(widget, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """`key` pressed and released on `widget` as the keyboard delivers it to the focused widget (the
    bundle leaves QtTest out, so not QTest.keyClick)."""
    widget.setFocus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, modifiers))


class FlowDriver:
    def __init__(self, window, timeout: float = 60.0, on_step: Callable[[str], None] | None = None):
        self.window = window
        self.timeout = timeout
        self.on_step = on_step or (lambda name: None)

    def use_sandbox(self) -> None:
        ws = self.window.workspace_screen
        ws.sandbox_radio.setChecked(True)
        wait_until(lambda: not ws.is_learning_schema(), self.timeout, "the sandbox workspace's fields")
        self.on_step("workspace")

    def open_file(self, path: Path) -> None:
        from telecrm_desktop.gui.main_window import OPEN

        w = self.window
        w.go_to(OPEN)
        settle()
        w.open_screen.open_path(Path(path))
        wait_until(lambda: not w.open_screen.is_loading(), self.timeout, f"{Path(path).name} to be read")
        sheet = w.session.sheet
        if sheet is None or not sheet.complete or Path(sheet.path).resolve() != Path(path).resolve():
            # the screen said why in the message bar
            raise FlowError(self._message_or(f"{Path(path).name} could not be opened."))
        self.on_step("open")

    def accept_mapping(self) -> None:
        from telecrm_desktop.gui.main_window import MAP

        w = self.window
        w.go_to(MAP)
        # the screen shows first and fills its table (template or suggestion) in the next turn
        wait_until(lambda: not w.map_screen.is_filling(), self.timeout, "the suggested mapping")
        if w.session.mapping is None:
            raise FlowError("The suggested mapping was not accepted: " + (w.map_screen._error or "no mapping."))
        self.on_step("map")

    def apply_template(self, template: Path) -> None:
        """The Map step with `template` loaded, as "Load template…" does once the file is chosen. A
        template that does not fit (columns the file lacks, targets the workspace lacks, a mapping
        that does not check) stops here with the screen's own sentence."""
        from telecrm_desktop.gui.main_window import MAP

        w = self.window
        w.go_to(MAP)
        wait_until(lambda: not w.map_screen.is_filling(), self.timeout, "the Map step")
        w.message_bar.hide()
        w.map_screen.load_template(Path(template))
        if w.message_bar.isVisible() and w.message_bar.kind in ("error", "warning"):
            raise FlowError(f"The template {Path(template).name} does not fit: {w.message_bar.label.text()}")
        set_aside = sorted(p.target for problems in w.map_screen.set_aside().values() for p in problems)
        if set_aside:
            raise FlowError(f"The template {Path(template).name} does not fit the workspace: it has no "
                            + ", ".join(set_aside) + ".")
        if w.session.mapping is None:
            raise FlowError(f"The template {Path(template).name} does not fit: {w.map_screen.error_text() or 'no mapping.'}")
        self.on_step("map")

    def review(self) -> None:
        from telecrm_desktop.gui.main_window import REVIEW

        w = self.window
        w.go_to(REVIEW)
        wait_until(lambda: not w.review_screen.is_checking() and w.session.check is not None,
                   self.timeout, "the rows to be checked")
        if w.review_screen.result.lead_count == 0:
            raise FlowError("The check found no lead ready to send.")
        self.on_step("review")

    def leave_out_leads_after(self, count: int) -> tuple[int, int]:
        """On the Review step, leave out every row of the leads after the first `count` (in the order
        of their first rows) and wait for the check again; returns (leads before, leads now).
        Rows that make no lead (held back) stay as they are: they are not sent either way."""
        w = self.window
        check = w.session.check
        total = check.lead_count
        if total <= count:
            return total, total
        # which rows those are is the driver's own question: worked out beside the GUI thread, so
        # that the stall probe sees only the app's work of leaving them out
        later: list[int] = []
        finder = threading.Thread(target=lambda: later.extend(check.rows_of_leads_after(count)), daemon=True)
        finder.start()
        wait_until(lambda: not finder.is_alive(), self.timeout, "the rows of the later leads")
        w.review_screen.leave_out(later)
        wait_until(lambda: not w.review_screen.is_checking() and w.session.check is not None,
                   self.timeout, "the rows to be checked again")
        now = w.review_screen.result.lead_count
        if now != count:
            raise FlowError(f"{count:,} leads were to be left for sending, but the check found {now:,}.")
        self.on_step("leave out")
        return total, now

    def show_rows(self, mode: int) -> int:
        """On the Review step, the "Show" list moved to `mode` (review_model.SHOW_*) with the arrow
        keys, as a person does it from the keyboard; returns how many rows the table then shows."""
        screen = self.window.review_screen
        combo = screen.filter_combo
        wanted = combo.findData(mode)
        if wanted < 0:
            raise FlowError("The Review step's Show list has no such choice.")
        for _ in range(combo.count()):
            if combo.currentIndex() == wanted:
                break
            press_key(combo, Qt.Key.Key_Down if wanted > combo.currentIndex() else Qt.Key.Key_Up)
        if combo.currentIndex() != wanted:
            raise FlowError(f"The Show list did not move to \u201c{combo.itemText(wanted)}\u201d with the arrow keys.")
        self._table_settled()
        self.on_step("show rows")
        return screen.view.model().rowCount()

    def jump_to_last_row(self) -> tuple[str, int]:
        """On the Review step, Ctrl+End in the table, again while the table fetches more rows on the way
        (as a person presses it again): returns the row's number in the sheet, as the table's row header shows it,
        and how many rows the table shows."""
        screen = self.window.review_screen
        view, model = screen.view, screen.view.model()
        for _ in range(LAST_ROW_PRESSES):
            press_key(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            self._table_settled()
            rows = model.rowCount()
            if view.currentIndex().row() == rows - 1 and not model.canFetchMore(view.rootIndex()):
                break
        else:
            raise FlowError(f"Ctrl+End did not reach the last row: the table is at row {view.currentIndex().row() + 1:,} "
                            f"of {model.rowCount():,} after {LAST_ROW_PRESSES} presses.")
        header = model.headerData(rows - 1, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole) if rows else None
        number = re.match(r"[\d,]+", str(header or ""))  # the row header adds a mark to a row with problems
        self.on_step("last row")
        return number.group() if number else str(header), rows

    def _table_settled(self) -> None:
        """Waits for the Review step to be done with what the key asked (a filter may be applied in
        the background) and for the table's repaint."""
        screen = self.window.review_screen
        wait_until(lambda: not screen.is_checking(), self.timeout, "the Review step's rows to be shown")
        settle()

    def _message_or(self, fallback: str) -> str:
        bar = self.window.message_bar
        return bar.label.text() if bar.isVisible() and bar.label.text() else fallback

    def send(self) -> dict:
        from telecrm_desktop.gui.main_window import SEND

        w = self.window
        w.go_to(SEND)
        settle()
        w.send_screen.start()
        wait_until(lambda: not w.send_screen.is_running(), self.timeout * 3, "the leads to be sent")
        summary = w.send_screen._last_summary
        if summary is None:
            raise FlowError("The send did not start: " + (w.message_bar.label.text() or "no reason given."))
        self.on_step("send")
        return w.send_screen.worker_counts()

    def results(self) -> None:
        from telecrm_desktop.gui.main_window import RESULTS

        self.window.go_to(RESULTS)
        screen = self.window.results_screen
        wait_until(lambda: not screen.is_loading(), self.timeout, "the results to be read")
        self.on_step("results")
