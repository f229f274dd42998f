"""The Review step's "Already in telecrm?" card: the import mode, the lookup (off the GUI thread, with
progress and Cancel), the counts per category each with its filter, and for an existing lead the
side-by-side of what telecrm has now and what it will have after this import."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QTableView,
    QVBoxLayout, QWidget,
)

from telecrm_desktop.gui.bridge import existing_leads as el
from telecrm_desktop.gui.bridge.lookup_jobs import DecideWorker, LookupWorker
from telecrm_desktop.gui.bridge.disposal import dispose_later
from telecrm_desktop.gui.models.existing_leads_model import ComparisonModel, ExistingLeadsModel
from telecrm_desktop.gui.widgets.parts import QuietProgressBar, compact_table
from telecrm_desktop.gui.bridge.workers import start_worker


class ExistingLeadsPanel(QFrame):
    message = Signal(str, str)  # kind, sentence (the screen's message bar shows it)
    changed = Signal()  # a lookup or a decision finished: the counts changed

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.worker = None
        self.setObjectName("card")
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 4, 12, 4)
        box.setSpacing(2)

        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Already in telecrm?</b>"))
        self.mode_combo = QComboBox()
        for mode, words in el.MODE_WORDS.items():
            self.mode_combo.addItem(words, mode)
        self.mode_combo.setAccessibleName("Import mode")
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        top.addWidget(self.mode_combo)
        self.lookup_button = QPushButton("Look up existing leads")
        self.lookup_button.setToolTip("Asks telecrm (with the Sync token) which of these leads it already has.")
        self.lookup_button.clicked.connect(self.start_lookup)
        top.addWidget(self.lookup_button)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        top.addWidget(self.cancel_button)
        self.progress = QuietProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        top.addWidget(self.progress)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        # two lines' height whatever it says: a sentence of another length must not resize the card,
        # which relaid and repainted the 100,000-row table below it when a lookup started (~30 ms)
        self.status_label.setMinimumHeight(2 * self.status_label.fontMetrics().lineSpacing())
        top.addWidget(self.status_label, 1)
        box.addLayout(top)

        self.counts_row = QWidget()  # shown once there are counts: the step stays compact until then
        counts = QHBoxLayout(self.counts_row)
        counts.setContentsMargins(0, 0, 0, 0)
        self.count_buttons: dict[str, QPushButton] = {}
        for name in el.CATEGORIES:
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("category", name)
            button.setToolTip("Show these leads below.")
            button.clicked.connect(self._filter_clicked)
            self.count_buttons[name] = button
            counts.addWidget(button)
        counts.addStretch(1)
        self.counts_row.hide()
        box.addWidget(self.counts_row)

        self.details = QSplitter(Qt.Orientation.Horizontal)
        self.leads_model = ExistingLeadsModel(self)
        self.leads_view = QTableView()
        self.leads_view.setModel(self.leads_model)
        self.leads_view.setAccessibleName("Leads of the chosen kind")
        self.leads_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.leads_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        compact_table(self.leads_view, row_numbers=False)
        self.leads_view.selectionModel().currentChanged.connect(self._lead_selected)
        self.compare_model = ComparisonModel(self)
        self.compare_view = QTableView()
        self.compare_view.setModel(self.compare_model)
        self.compare_view.setAccessibleName("In telecrm now and after this import")
        compact_table(self.compare_view, row_numbers=False)
        compare = QWidget()
        compare_box = QVBoxLayout(compare)
        compare_box.setContentsMargins(0, 0, 0, 0)
        self.compare_title = QLabel("Select an existing lead to compare")
        compare_box.addWidget(self.compare_title)
        compare_box.addWidget(self.compare_view)
        self.details.addWidget(self.leads_view)
        self.details.addWidget(compare)
        self.details.setMinimumHeight(160)
        self.details.hide()
        box.addWidget(self.details)

        session.mapping_changed.connect(self.refresh)
        session.check_changed.connect(self.refresh)
        session.run_changed.connect(self._forget_after_sending)
        self.refresh()

    # ----- state -----
    def refresh(self) -> None:
        mode = el.import_mode(self.session)
        index = self.mode_combo.findData(mode)
        if index != self.mode_combo.currentIndex():
            self.mode_combo.blockSignals(True)
            self.mode_combo.setCurrentIndex(index)
            self.mode_combo.blockSignals(False)
        existing = el.current(self.session)
        running = self.worker is not None
        self.lookup_button.setEnabled(self.session.check is not None and not running)
        self.cancel_button.setVisible(running)
        self.progress.setVisible(running)
        self.counts_row.setVisible(existing is not None)
        for name, button in self.count_buttons.items():
            n = existing.counts.get(name, 0) if existing else None
            button.setText(f"{n:,} {el.CATEGORY_WORDS[name]}" if n is not None else el.CATEGORY_WORDS[name])
            button.setEnabled(existing is not None)
            if existing is None:
                button.setChecked(False)
        if running:
            return
        if existing is not None:
            self.status_label.setText(f"{existing.sentence()}.")
        elif self.session.check is None:
            self.status_label.setText("The rows are being checked.")
        elif el.lookup_needed(self.session):
            self.status_label.setText("This import mode or the template's overwrite rules need to know which "
                                      "leads telecrm already has: look them up before sending.")
        else:
            self.status_label.setText("Every lead is sent: new ones are created, existing ones updated. Look "
                                      "them up to see which exist and what would change.")
        self._show_category(self._checked_category())

    def _forget_after_sending(self) -> None:
        """A send changes telecrm: what was looked up before it is no longer what telecrm holds."""
        if self.session.existing_leads is not None and self.worker is None:
            dispose_later(self.session.existing_leads)
            self.session.existing_leads = None
            self.refresh()

    def _checked_category(self) -> str | None:
        return next((n for n, b in self.count_buttons.items() if b.isChecked()), None)

    # ----- actions -----
    def _mode_changed(self) -> None:
        self.session.import_mode = self.mode_combo.currentData()
        existing = el.current(self.session)
        if existing is not None and self.worker is None:
            self._start(DecideWorker(self.session, existing))
        self.refresh()
        self.changed.emit()

    def start_lookup(self) -> None:
        if self.worker is not None or self.session.check is None:
            return
        if not self.session.check.lead_count:
            self.message.emit("warning", "There are no valid leads to look up.")
            return
        self.progress.setRange(0, 0)
        self.status_label.setText(f"Looking up {self.session.check.lead_count:,} leads in telecrm…")
        self._start(LookupWorker(self.session, getattr(self.session, "existing_leads", None)))

    def _start(self, worker) -> None:
        self.worker = worker
        worker.progress.connect(self._progress)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        start_worker(self, worker)
        self.refresh()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _progress(self, value) -> None:
        done, total = value
        self.progress.show_progress(done, total)
        self.status_label.setText(f"Looked up {done:,} of {total:,} leads…")

    def _failed(self, sentence: str) -> None:
        if self.sender() is self.worker and not self.worker.cancelled:  # a cancel is said in _finished
            self.message.emit("error", sentence)

    def _finished(self, result) -> None:
        if self.sender() is not self.worker:
            return
        cancelled = self.worker.cancelled
        self.worker = None
        if result is not None and not cancelled and result.check is self.session.check:
            dispose_later(self.session.existing_leads)  # 100,000 old decisions freed off the GUI thread
            self.session.existing_leads = result
        elif cancelled:
            self.message.emit("info", "The lookup was cancelled; the leads looked up so far are remembered.")
        self.refresh()
        self.changed.emit()

    def _filter_clicked(self) -> None:
        clicked = self.sender()
        for button in self.count_buttons.values():
            if button is not clicked:
                button.setChecked(False)
        self._show_category(self._checked_category())

    def _show_category(self, name: str | None) -> None:
        existing = el.current(self.session)
        if name is None or existing is None:
            self.details.hide()
            self.leads_model.set_items([])
            self.compare_model.show_decision(None)
            return
        self.leads_model.set_items(existing.of_category(name))
        self.compare_model.show_decision(None)
        self.details.show()

    def _lead_selected(self, current, _previous=None) -> None:
        decision = self.leads_model.decision_at(current.row())
        self.compare_model.show_decision(decision)
        if decision is None or not decision.existing:
            self.compare_title.setText("A new lead: telecrm gets every value." if decision else "")
        elif decision.changes:
            self.compare_title.setText(f"{decision.identifier}: in telecrm now → after this import")
        else:
            self.compare_title.setText(f"{decision.identifier}: no value changes")
