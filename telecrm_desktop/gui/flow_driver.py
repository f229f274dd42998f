"""Walks the app through the sandbox flow the way a new user would: used by `--self-test`,
by scripts/screenshots.py and by the GUI tests. Each step waits on the real widgets' state."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication


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
        wait_until(lambda: not w.open_screen.is_loading() and w.session.sheet is not None
                   and w.session.sheet.complete, self.timeout, f"{Path(path).name} to be read")
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

    def review(self) -> None:
        from telecrm_desktop.gui.main_window import REVIEW

        w = self.window
        w.go_to(REVIEW)
        wait_until(lambda: not w.review_screen.is_checking() and w.session.check is not None,
                   self.timeout, "the rows to be checked")
        if w.review_screen.result.lead_count == 0:
            raise FlowError("The check found no lead ready to send.")
        self.on_step("review")

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
