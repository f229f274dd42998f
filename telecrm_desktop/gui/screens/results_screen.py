"""Step 6: what happened to every row, the result files, and the history of past runs with
retry failed / re-send uncertain / resume for unfinished runs."""

from __future__ import annotations

import html
import shutil
import sqlite3
from pathlib import Path

from PySide6.QtCore import QUrl, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton,
    QSplitter, QTableView, QVBoxLayout, QWidget,
)

from telecrm_desktop.gui.bridge import pipeline_bridge
from telecrm_desktop.gui.models.results_model import ResultsModel, RunsModel
from telecrm_desktop.gui.widgets.parts import CounterTile, Screen, compact_table, page_header
from telecrm_desktop.gui.bridge.workers import HistoryWorker, LandedWorker, start_worker

FILTERS = [("All rows", None), ("Queued", "queued"), ("Unchanged", "unchanged"), ("Failed", "failed"),
           ("Uncertain", "uncertain"), ("Pending", "pending"), ("Invalid", "invalid"), ("Left out", "left out")]


class ResultsScreen(Screen):
    title = "Results"
    subtitle = ("What happened to every row. Rows that need attention are in needs-attention.xlsx: fix "
                "them in Excel and import that file again with the same template.")

    resume_requested = Signal(object)  # run id
    retry_requested = Signal(object, str)  # run id, "failed" | "uncertain"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.current_run = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_header(self))

        tiles = QHBoxLayout()
        self.tiles = {
            "queued": CounterTile("queued", "ok"),
            "unchanged": CounterTile("unchanged", "ok"),
            "failed": CounterTile("failed", "error"),
            "uncertain": CounterTile("uncertain", "warning"),
            "pending": CounterTile("pending"),
            "invalid": CounterTile("invalid", "error"),
            "left out": CounterTile("left out by you"),
        }
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        layout.addLayout(tiles)

        splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.run_label = QLabel()
        bar.addWidget(self.run_label, 1)
        self.filter_combo = QComboBox()
        for text, status in FILTERS:
            self.filter_combo.addItem(text, status)
        self.filter_combo.currentIndexChanged.connect(
            lambda: self.model.set_status_filter(self.filter_combo.currentData()))
        show = QLabel("&Show")
        show.setBuddy(self.filter_combo)
        bar.addWidget(show)
        bar.addWidget(self.filter_combo)
        self.retry_failed_button = QPushButton("Retry failed")
        self.retry_failed_button.clicked.connect(lambda: self._retry("failed"))
        self.resend_uncertain_button = QPushButton("Re-send uncertain…")
        self.resend_uncertain_button.setToolTip("Their actions may be added twice in telecrm.")
        self.resend_uncertain_button.clicked.connect(lambda: self._retry("uncertain"))
        self.resume_button = QPushButton("Resume run")
        self.resume_button.clicked.connect(self._resume)
        self.landed_button = QPushButton("Check they landed")
        self.landed_button.setToolTip("Look the queued leads up in telecrm (needs a Sync token) and compare "
                                      "them with what was sent.")
        self.landed_button.clicked.connect(self.check_landed)
        self.export_button = QPushButton("Export result files…")
        self.export_button.clicked.connect(lambda: self.export_results())  # clicked(bool) is no folder
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.clicked.connect(self._open_folder)
        for b in (self.retry_failed_button, self.resend_uncertain_button, self.resume_button,
                  self.landed_button, self.export_button, self.open_folder_button):
            bar.addWidget(b)
        ul.addLayout(bar)
        self.merges_label = QLabel()  # why the rows and the leads differ in number
        self.merges_label.setWordWrap(True)
        self.merges_label.hide()
        ul.addWidget(self.merges_label)
        self.landed_label = QLabel()
        self.landed_label.setWordWrap(True)
        self.landed_label.hide()
        ul.addWidget(self.landed_label)
        self.outage_label = QLabel()  # telecrm out of reach during the run, and back (run_log)
        self.outage_label.setWordWrap(True)
        self.outage_label.setAccessibleName("Connection problems during the run")
        self.outage_label.hide()
        ul.addWidget(self.outage_label)
        self.model = ResultsModel(self)
        self.model.reader.read_failed.connect(self._failed)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Outcome of every row")
        compact_table(self.view, row_numbers=False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setStretchLastSection(True)
        for col, width in ((0, 60), (1, 140), (2, 160), (3, 90), (4, 380)):
            self.view.setColumnWidth(col, width)
        ul.addWidget(self.view, 1)
        splitter.addWidget(upper)

        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 6, 0, 0)
        self.runs_title = QLabel("<b>Past runs</b>")
        ll.addWidget(self.runs_title)
        self.runs_model = RunsModel(self)
        self.runs_view = QTableView()
        self.runs_view.setModel(self.runs_model)
        self.runs_view.setAccessibleName("Past runs")
        compact_table(self.runs_view, row_numbers=False)
        self.runs_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.runs_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs_view.horizontalHeader().setStretchLastSection(True)
        for col, width in ((0, 50), (1, 140), (2, 240), (3, 140)):
            self.runs_view.setColumnWidth(col, width)
        self.runs_view.selectionModel().currentRowChanged.connect(self._run_selected)
        ll.addWidget(self.runs_view, 1)
        splitter.addWidget(lower)
        splitter.setSizes([460, 180])
        layout.addWidget(splitter, 1)
        session.run_changed.connect(self._run_changed)
        self._update_buttons()

    # ----- loading -----
    def on_enter(self) -> None:
        self.reload()

    def views_painted_later(self):
        return [self.view, self.runs_view]

    def _run_changed(self) -> None:
        if self.isVisible():
            self.reload()

    def reload(self, run_id=None) -> None:
        """Read the runs (and the chosen run's rows) from the journal in the background."""
        wanted = run_id if run_id is not None else self.session.run_id
        try:
            enterprise = pipeline_bridge.workspace_enterprise(self.session.workspace)
        except Exception:  # noqa: BLE001 - the sandbox could not start: show every run rather than none
            enterprise = None
        self.runs_title.setText(f"<b>Past runs of workspace {enterprise}</b>" if enterprise
                                else "<b>Past runs (all workspaces)</b>")
        worker = HistoryWorker(wanted, enterprise)
        worker.failed.connect(self._failed)
        worker.first_screen.connect(self._first_screen)
        worker.finished.connect(self._loaded)
        self._worker = worker
        self._first_shown = False
        self.run_label.setText("Reading the journal…")
        start_worker(self, worker)

    def is_loading(self) -> bool:
        """Until the run's merges sentence and page starts are read (its first rows show before)."""
        return getattr(self, "_worker", None) is not None

    def _failed(self, sentence: str) -> None:
        self.message.emit("error", sentence)

    def _first_screen(self, result) -> None:
        """The runs, and the chosen run's counts and first rows: shown while the rest is read."""
        if self.sender() is not getattr(self, "_worker", None):
            return
        self._first_shown = True
        runs, run_id, shown = result
        self.merges_label.hide()
        self._selecting = True
        self.runs_model.set_runs(runs)
        row = self.runs_model.row_of(run_id) if run_id is not None else None
        if row is not None:
            self.runs_view.selectRow(row)
        self._selecting = False
        self._show_run(self.runs_model.run(row) if row is not None else None, shown)

    def _loaded(self, result) -> None:
        if self.sender() is not getattr(self, "_worker", None):
            return
        self._worker = None
        if result is None:
            if not self._first_shown:
                self._show_run(None, None)
            return
        runs, run_id, shown = result
        merges = getattr(self.sender(), "merges", "")
        self.merges_label.setText(merges)
        self.merges_label.setVisible(bool(merges))
        if shown is not None:
            self.model.set_page_starts(run_id, shown.page_starts)

    def _run_selected(self, current, _previous=None) -> None:
        if current.isValid() and not getattr(self, "_selecting", False):
            run = self.runs_model.run(current.row())
            if self.current_run is None or run.id != self.current_run.id:
                self.reload(run.id)

    def _show_run(self, run, shown) -> None:
        """`shown`: the run's counts, page starts and first page (bridge.outcome_pages.RunOutcomes)."""
        if run is None or self.current_run is None or run.id != self.current_run.id:
            self.landed_label.hide()  # a report belongs to the run it was made for
        self.current_run = run
        if run is not None and run.landed and getattr(self, "_landed", None) is None:
            self._show_landed(pipeline_bridge.landed_text(run.landed), run.landed)  # kept from an earlier check
        self.model.show_run(shown if run is not None else None)
        if run is None:
            self.run_label.setText("No runs yet: send a file to see its results here.")
        else:
            self.run_label.setText(f"<b>Run {run.id}</b> · {Path(run.file_path).name} · "
                                   f"{self.model.total():,} rows")
        self._show_outages(run)
        counts = self.model.counts()
        for status, tile in self.tiles.items():
            tile.set_value(counts.get(status, 0) if run is not None else None)
        self._update_buttons()

    def _show_outages(self, run) -> None:
        from telecrm_desktop.gui.bridge import run_log

        found = run_log.outage_lines(run.id) if run is not None else []
        self.outage_label.setVisible(bool(found))
        self.outage_label.setText("<b>Connection to telecrm during this run</b><br>"
                                  + "<br>".join(html.escape(line) for line in found[-6:]))

    def _update_buttons(self) -> None:
        counts = self.model.counts()
        run = self.current_run
        self.retry_failed_button.setEnabled(bool(run) and counts.get("failed", 0) > 0)
        self.resend_uncertain_button.setEnabled(bool(run) and counts.get("uncertain", 0) > 0)
        self.resume_button.setEnabled(bool(run) and (run.state == "open" or counts.get("pending", 0) > 0))
        self.export_button.setEnabled(bool(run))
        self.landed_button.setEnabled(bool(run) and self._sent_leads() is not None
                                      and counts.get("queued", 0) > 0 and getattr(self, "_landed", None) is None)
        self.open_folder_button.setEnabled(bool(run and run.results_dir))

    # ----- post-import check -----
    def _sent_leads(self):
        """The leads of the shown run as built in this session (None for a run from another session)."""
        check = self.session.check
        if check is None or self.current_run is None or self.current_run.id != self.session.run_id:
            return None
        return check.leads

    def check_landed(self) -> None:
        leads = self._sent_leads()
        if not leads:
            return
        identifier = self.session.mapping.identifier_field(self.session.schema)
        worker = LandedWorker(self.session.workspace, leads, identifier, self.current_run.id)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._landed_done)
        self._landed = worker
        self._landed_run_id = self.current_run.id
        self.landed_button.setEnabled(False)
        self.landed_label.setText("Looking the leads up in telecrm…")
        self.landed_label.show()
        start_worker(self, worker)

    def _landed_done(self, report) -> None:
        if self.sender() is not getattr(self, "_landed", None):
            return
        self._landed = None
        self._update_buttons()
        if report is None:
            self.landed_label.hide()
            return
        self.landed_report = report
        sample_text = getattr(self.sender(), "sample_text", "")
        summary = report.summary()
        self._show_landed(f"Looked up {sample_text}: {summary}" if sample_text and report.checked else summary,
                          report.to_dict())
        try:  # kept with the run, for the history (and `telecrm-import history`)
            pipeline_bridge.keep_landed(self._landed_run_id, report)
        except sqlite3.Error as exc:
            self.message.emit("warning", f"The check's result could not be kept in the journal ({exc}).")

    def _show_landed(self, text: str, record: dict) -> None:
        from telecrm_desktop.gui.widgets import style

        kind = "ok" if record.get("landed") == record.get("checked") and not record.get("error") else "warning"
        self.landed_label.setText(f"<span style='color:{style.status_colour(kind).name()}'>"
                                  f"{html.escape(text[:1].upper() + text[1:])}.</span>")
        self.landed_label.show()

    def is_checking_landed(self) -> bool:
        return getattr(self, "_landed", None) is not None

    # ----- actions -----
    def _retry(self, which: str) -> None:
        if self.current_run is not None:
            self.retry_requested.emit(self.current_run.id, which)

    def _resume(self) -> None:
        if self.current_run is not None:
            self.resume_requested.emit(self.current_run.id)

    def _open_folder(self) -> None:
        if self.current_run is not None and self.current_run.results_dir:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.current_run.results_dir))

    def export_results(self, folder: str | Path | None = None) -> list[Path]:
        """Copy the run's result files (CSV, .xlsx, needs-attention .xlsx) into a folder."""
        run = self.current_run
        if run is None:
            return []
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Export result files to")
            if not folder:
                return []
        try:
            files = pipeline_bridge.result_files(run)
            copied = []
            for path in files:
                target = Path(folder) / f"run-{run.id}-{path.name}"
                shutil.copyfile(path, target)
                copied.append(target)
        except Exception as exc:  # noqa: BLE001
            self.message.emit("error", f"The result files could not be exported: {exc}")
            return []
        self.message.emit("info", f"Saved {len(copied)} files to {folder}.")
        return copied

    def primary_text(self) -> str:
        return "Import another file"

    def on_primary(self) -> bool:
        window = self.window()
        if hasattr(window, "go_to"):
            window.go_to(1)
        return False
