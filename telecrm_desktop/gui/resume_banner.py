"""The banner shown at launch when a send run was left unfinished (a crash, a kill, a closed laptop,
or a cancel): "Run 3 (leads.xlsx) stopped with 120 leads not sent yet — Continue". Continue sends
them from the journal; nothing else needs to be open."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from telecrm_desktop.gui.widgets import style
from telecrm_desktop.gui.widgets.parts import Banner
from telecrm_desktop.gui.bridge.workers import Worker, start_worker


class UnfinishedRunsWorker(Worker):
    """Reads the journal's unfinished runs (newest first, with their unsent leads) off the GUI thread."""

    def work(self):
        from telecrm_desktop.core import paths
        from telecrm_desktop.core.send.journal import Journal

        if not paths.journal_path().exists():
            return []
        with Journal(paths.journal_path()) as journal:
            return journal.unfinished_runs()

    def describe_failure(self, exc: Exception) -> str:
        return f"Unfinished runs could not be looked up in the journal: {exc}"


def banner_text(run, unsent: int, others: int) -> str:
    name = html.escape(Path(run.file_path.replace("\\", "/")).name)
    text = (f"<b>Run {run.id}</b> ({name}) stopped with {unsent:,} lead{'s' if unsent != 1 else ''} "
            "not sent yet. Continue sends them; nothing already sent goes twice.")
    if others:
        text += f" {others} more unfinished run{'s' if others != 1 else ''} are listed in Results."
    return text


class ResumeBanner(Banner):
    continue_requested = Signal(object)  # run id
    lookup_failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__("resumeBanner", "Not now (the run stays in Results, where it can be resumed)", parent)
        self.wash(style.WARNING_WASH)
        self.continue_button = QPushButton("Continue")
        self.continue_button.setToolTip("Send the leads this run has not sent yet; nothing already sent goes twice.")
        self.continue_button.clicked.connect(self._continue)
        self.add_button(self.continue_button)
        self.run_id = None
        self._worker = None

    def look_up(self) -> None:
        """Ask the journal in the background; the banner shows itself when a run is unfinished."""
        worker = UnfinishedRunsWorker()
        worker.failed.connect(self._failed)
        worker.finished.connect(self._found)
        self._worker = worker
        start_worker(self, worker)

    def is_looking(self) -> bool:
        return self._worker is not None

    def _failed(self, sentence: str) -> None:
        self.lookup_failed.emit(sentence)

    def _found(self, unfinished) -> None:
        if self.sender() is not self._worker:
            return
        self._worker = None
        if not unfinished:
            self.hide()
            return
        (run, unsent), others = unfinished[0], len(unfinished) - 1
        self.run_id = run.id
        self.label.setText(banner_text(run, unsent, others))
        self.show()

    def forget(self, run_id) -> None:
        """The run was continued some other way (Results, or the same file sent again)."""
        if run_id is not None and run_id == self.run_id:
            self.hide()

    def _continue(self) -> None:
        self.hide()
        if self.run_id is not None:
            self.continue_requested.emit(self.run_id)
