"""Step 4: every row as telecrm would receive it. Bad cells are washed red (amber for warnings)
with the reason as tooltip and in the side panel; a cell is corrected in place (the file is never
changed) and its row checked again by the core; rows can be left out; the side panel shows the
exact JSON request of the selected lead.

Over 400 lines: filters, corrections, leaving rows out and the re-check share the screen's state;
its table model already lives apart (models/review_model.py).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QListWidget,
    QPlainTextEdit, QPushButton, QSplitter, QStyle, QStyleOptionHeader, QTableView, QVBoxLayout, QWidget,
)

from telecrm_desktop.gui.bridge import pipeline_bridge
from telecrm_desktop.gui.bridge.disposal import dispose_later
from telecrm_desktop.gui.models.edited_table import EditedTable
from telecrm_desktop.gui.models.review_model import (
    EXCLUDED, INVALID, READY, SHOW_ALL, SHOW_EXCLUDED, SHOW_INVALID, SHOW_PROBLEMS, WARNING,
    ReviewModel, RowChecks,
)
from telecrm_desktop.gui.widgets.parts import (
    CounterTile, QuietProgressBar, Screen, after_paint, compact_table, page_header,
)
from telecrm_desktop.gui.bridge.check_worker import CheckWorker
from telecrm_desktop.gui.bridge.workers import start_worker

STATUS_WORDS = {READY: "ready", WARNING: "ready, with warnings", INVALID: "held back (invalid)",
                EXCLUDED: "left out", "unchecked": "being checked"}
FIRST_PAINT_MS = 40
RECHECK_DELAY_MS = 700  # after an edit, wait for a pause in typing before checking everything again


class RowNumberHeader(QHeaderView):
    """The vertical header of row numbers, sized from its widest possible label.

    QHeaderView's own sizeHint asks the model about the first and last hundred sections, several
    roles each: some 2,700 Python calls after every model reset, all in one event-loop turn. Row
    numbers grow down the sheet, so the last row's number with the widest mark is as wide as any.
    """

    MARKS = (" ✕", " ⚠", " –")

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as QTableView's own header: a click selects the row
        self.setHighlightSections(True)
        self._hint: tuple[tuple, QSize] | None = None

    def sizeHint(self) -> QSize:
        model, count = self.model(), self.count()
        last = model.headerData(count - 1, Qt.Orientation.Vertical) if model is not None and count else None
        digits = str(last).split(" ")[0] if last is not None else "0"
        key = (len(digits), self.font().key())
        if self._hint is None or self._hint[0] != key:
            self._hint = (key, self._measure(digits))
        return QSize(self._hint[1])

    def _measure(self, digits: str) -> QSize:
        font = self.font()
        font.setBold(True)  # as QHeaderView measures: a highlighted section's label is bold
        metrics = QFontMetrics(font)
        numbers = (digits, *(d * len(digits) for d in "0123456789"))  # in case digits are not equally wide
        text = max((n + mark for n in numbers for mark in self.MARKS), key=lambda t: metrics.size(0, t).width())
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.text, option.fontMetrics, option.section = text, metrics, 0
        return self.style().sizeFromContents(QStyle.ContentsType.CT_HeaderSection, option, QSize(), self)


LEAVE_OUT_AT_ONCE = 50_000  # rows left out per turn of the event loop (about 5 ms each)


class ReviewScreen(Screen):
    title = "Review"
    subtitle = ("Every row as telecrm would receive it. Fix a red cell by double-clicking it (the file "
                "itself is not changed), or leave the row out. Rows held back are never sent.")

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.worker: CheckWorker | None = None
        self.result = None  # pipeline_bridge.CheckView of the latest full check
        self._stale = True

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_header(self))

        tiles = QHBoxLayout()
        self.ready_tile = CounterTile("leads ready to send", "ok")
        self.invalid_tile = CounterTile("rows held back (invalid)", "error")
        self.warning_tile = CounterTile("rows with warnings", "warning")
        self.merged_tile = CounterTile("duplicate rows merged")
        self.excluded_tile = CounterTile("rows left out")
        for t in (self.ready_tile, self.invalid_tile, self.warning_tile, self.merged_tile, self.excluded_tile):
            tiles.addWidget(t)
        layout.addLayout(tiles)
        self.every_lead_label = QLabel()  # the template's constants that the workspace would not keep as meant
        self.every_lead_label.setWordWrap(True)
        self.every_lead_label.setAccessibleName("Warnings for every lead")
        self.every_lead_label.hide()
        layout.addWidget(self.every_lead_label)

        bar = QHBoxLayout()
        self.filter_combo = QComboBox()
        self.filter_combo.addItem("All rows", SHOW_ALL)
        self.filter_combo.addItem("Rows with problems", SHOW_PROBLEMS)
        self.filter_combo.addItem("Invalid rows only", SHOW_INVALID)
        self.filter_combo.addItem("Left-out rows", SHOW_EXCLUDED)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        show_label = QLabel("&Show")
        show_label.setBuddy(self.filter_combo)
        bar.addWidget(show_label)
        bar.addWidget(self.filter_combo)
        self.next_problem_button = QPushButton("Next problem  (F8)")
        self.next_problem_button.clicked.connect(self.select_next_problem)
        bar.addWidget(self.next_problem_button)
        self.undo_button = QPushButton("Undo fix  (Ctrl+Z)")
        self.undo_button.setToolTip("Put back the value the last correction replaced.")
        self.undo_button.clicked.connect(self.undo_last_fix)
        self.undo_button.setEnabled(False)
        bar.addWidget(self.undo_button)
        bar.addStretch(1)
        self.exclude_button = QPushButton("Leave out selected rows")
        self.exclude_button.setToolTip("Left-out rows are not sent (Delete).")
        self.exclude_button.clicked.connect(lambda: self.exclude_selected(True))
        self.include_button = QPushButton("Put back")
        self.include_button.clicked.connect(lambda: self.exclude_selected(False))
        bar.addWidget(self.exclude_button)
        bar.addWidget(self.include_button)
        layout.addLayout(bar)

        from telecrm_desktop.gui.widgets.existing_leads_panel import ExistingLeadsPanel  # issue 13: its own module

        self.existing_panel = ExistingLeadsPanel(session, self)
        self.existing_panel.message.connect(self.message)
        layout.addWidget(self.existing_panel)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = ReviewModel(self)
        self.model.cell_edited.connect(self._cell_edited)
        self.view = QTableView()
        self.view.setVerticalHeader(RowNumberHeader(self.view))
        self.view.setModel(self.model)
        self.view.setAccessibleName("Rows of the sheet")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        # fixed row heights and column widths: the view never measures 100,000 rows
        compact_table(self.view)
        self.view.horizontalHeader().setDefaultSectionSize(150)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        splitter.addWidget(self.view)
        splitter.addWidget(self._build_side_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 340])
        layout.addWidget(splitter, 1)

        status = QHBoxLayout()
        self.status_label = QLabel()
        status.addWidget(self.status_label, 1)
        self.progress = QuietProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setTextVisible(False)
        self.progress.hide()
        status.addWidget(self.progress)
        layout.addLayout(status)

        self.recheck_timer = QTimer(self)
        self.recheck_timer.setSingleShot(True)
        self.recheck_timer.setInterval(RECHECK_DELAY_MS)
        self.recheck_timer.timeout.connect(self.start_check)

        QShortcut(QKeySequence("F8"), self, self.select_next_problem)
        # on the screen only: an edited cell's own editor keeps Ctrl+Z for the text being typed
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, self.undo_last_fix,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view,
                  lambda: self.exclude_selected(True))

        session.sheet_changed.connect(self._mark_stale)
        session.mapping_changed.connect(self._mark_stale)
        session.rows_loaded.connect(self._rows_loaded)
        session.workspace_changed.connect(self._mark_stale)
        session.schema_changed.connect(self._mark_stale)

    def _build_side_panel(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("card")
        box = QVBoxLayout(panel)
        box.setContentsMargins(12, 10, 12, 12)
        self.row_title = QLabel("<b>Select a row</b>")
        box.addWidget(self.row_title)
        self.problem_list = QListWidget()
        self.problem_list.setWordWrap(True)
        self.problem_list.setAccessibleName("Problems in the selected row")
        self.problem_list.itemActivated.connect(self._problem_activated)
        box.addWidget(self.problem_list, 2)
        self.fix_button = QPushButton()
        self.fix_button.setToolTip("Correct this value in every row that has it (the file is not changed).")
        self.fix_button.clicked.connect(self.apply_suggested_fix)
        self.fix_button.hide()
        box.addWidget(self.fix_button)
        self.revert_button = QPushButton("Revert to the file's value")
        self.revert_button.setToolTip("Drop the correction of the selected cell; the file's value is sent.")
        self.revert_button.clicked.connect(self.revert_current_cell)
        self.revert_button.hide()
        box.addWidget(self.revert_button)
        from telecrm_desktop.gui.widgets.replace_value import ReplaceValueBar

        self.replace_bar = ReplaceValueBar(self)  # any of the workspace's values, not only the nearest
        box.addWidget(self.replace_bar)
        from telecrm_desktop.gui.widgets.send_without import SendWithoutBox

        self.send_without_box = SendWithoutBox(self)  # off by default: the person chooses it per lead
        box.addWidget(self.send_without_box)
        box.addWidget(QLabel("<b>Request telecrm will receive</b>"))
        self.json_view = QPlainTextEdit()
        self.json_view.setReadOnly(True)
        self.json_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.json_view.setAccessibleName("Request JSON of the selected lead")
        self.json_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        box.addWidget(self.json_view, 3)
        return panel

    # ----- checking -----
    def _mark_stale(self) -> None:
        self._stale = True
        if self.worker is not None:  # a check of the previous file or mapping: its answer is not wanted
            self.worker.cancel()
            self.worker = None
            self.view.setUpdatesEnabled(True)
            self.progress.hide()
        self.recheck_timer.stop()
        self.result = None
        self._clear_detail()
        dispose_later(self.session.check)
        self.session.check = None
        self.footer_changed.emit()

    def _rows_loaded(self) -> None:
        if self.isVisible():
            self.on_enter()

    def on_enter(self) -> None:
        """A stale screen shows at once with an empty table; its rows are put in after that first
        paint (the screen's layout and paint, then the table's: two turns of the event loop of
        about 15 ms each, not one of 30), and the check starts FIRST_PAINT_MS later."""
        sheet = self.session.sheet
        if sheet is None or self.session.mapping is None or self._fill_pending:
            return
        if self._stale:
            self._fill_pending = self._check_pending = True
            self.model.set_sheet(sheet.table.headers, [], {}, set())  # not the previous rows meanwhile
            self.status_label.setText(f"Checking {len(sheet.rows):,} rows…")
            after_paint(self, self._fill)
        else:
            self.model.rows_appended()

    _fill_pending = False

    def _fill(self) -> None:
        self._fill_pending = False
        sheet = self.session.sheet
        if sheet is None or self.session.mapping is None:
            self._check_pending = False
            return
        if self._stale:
            self._stale = False
            self.model.set_sheet(sheet.table.headers, sheet.rows, self.session.edits, self.session.excluded)
            used = set(self.session.mapping.mapped_columns())
            self.model.ignored = {h for h in sheet.table.headers if h not in used}
            self.result = None
            self.json_view.clear()
            self.problem_list.clear()
            self.status_label.setText(f"Checking {len(sheet.rows):,} rows…")
            # let the table paint once before the check competes with it for the interpreter
            QTimer.singleShot(FIRST_PAINT_MS, lambda: self.start_check(freeze_view=True))
            self._check_pending = True
        else:
            self._check_pending = False
            self.model.rows_appended()

    def start_check(self, freeze_view: bool = False) -> None:
        """Check every row again in the background. `freeze_view`: do not repaint the table meanwhile
        (the first check; a re-check after an edit keeps the table live so the edit shows)."""
        self._check_pending = False
        sheet = self.session.sheet
        if sheet is None or self.session.mapping is None:
            return
        if not sheet.complete:
            self.status_label.setText("Reading the rest of the file…")
            self._stale = True
            return
        if self.worker is not None:
            self.worker.cancel()
        table = EditedTable.from_session(self.session)
        self.worker = worker = CheckWorker(table, self.session.mapping, self.session.schema, file_table=sheet.table)
        worker.progress.connect(self._check_progress)
        worker.failed.connect(self._check_failed)
        worker.finished.connect(self._check_finished)
        self.status_label.setText(f"Checking {len(sheet.rows):,} rows…")
        self.progress.setRange(0, 0)
        self.progress.show()
        start_worker(self, worker)
        # while the worker runs, the table is not repainted: every cell of a repaint is a Python
        # call that would wait for the worker's turn on the interpreter lock
        if freeze_view:
            self.view.setUpdatesEnabled(False)
        self.footer_changed.emit()

    def _check_progress(self, args) -> None:
        done = args[0] if args else 0
        total = len(self.session.sheet.rows) if self.session.sheet else 0
        if isinstance(done, int) and total:
            self.progress.show_progress(min(done, total), total)

    def _check_failed(self, sentence: str) -> None:
        if self.sender() is self.worker:
            self.message.emit("error", sentence)
            self.view.setUpdatesEnabled(True)

    def _check_finished(self, result) -> None:
        if self.worker is None or self.sender() is not self.worker:
            return
        self.worker = None
        self.view.setUpdatesEnabled(True)
        self.progress.hide()
        if result is None:
            self.footer_changed.emit()
            return
        old = (self.result, self.session.check, getattr(self.session, "check_view", None))
        result, self.result = result
        self.session.check = result
        self.session.check_view = self.result
        if not self.model.rows:
            table = self.session.sheet.table
            self.message.emit("warning", f"{self.session.sheet.path.name} has no data rows below the header "
                                         f"row {table.header_row}: there is nothing to send.")
        missing = getattr(result, "missing_columns", None)
        if missing:
            self.message.emit("warning", "The template names columns this sheet does not have, so they are "
                                         "left out: " + ", ".join(f"“{c}”" for c in missing[:6]) + ".")
        place = self._current_place()
        view = self.result
        view.session = self.session
        positions = {(INVALID, WARNING): view.problem_positions, (INVALID,): view.invalid_positions}
        self.model.set_checks(RowChecks(view.sheet, positions=positions), view.merged_into, view.status_counts)
        self._show_every_lead_warnings()
        self._update_counts()
        self._restore_place(place)  # the reset forgot the current cell: fix -> F8 -> fix goes on from it
        self._current_changed(self.view.currentIndex())
        self.session.check_changed.emit()
        self.footer_changed.emit()
        dispose_later(*old)  # the previous check's 100,000 rows are freed in the background

    def _show_every_lead_warnings(self) -> None:
        import html

        from telecrm_desktop.gui.widgets import style
        from telecrm_desktop.gui.template_notes import every_lead_warnings

        found = every_lead_warnings(self.session.mapping, self.session.schema)
        colour = style.status_colour("warning").name()
        self.every_lead_label.setText("".join(
            f"<div style='color:{colour}'>⚠ On every lead: {html.escape(text)}</div>" for text in found))
        self.every_lead_label.setVisible(bool(found))

    def _update_counts(self) -> None:
        counts = self.model.counts()
        view = self.result
        self.ready_tile.set_value(view.lead_count if view else None)
        self.invalid_tile.set_value(counts[INVALID])
        self.warning_tile.set_value(counts[WARNING])
        self.merged_tile.set_value(view.merged_rows if view else None)
        self.excluded_tile.set_value(counts[EXCLUDED])
        rows = len(self.model.rows)
        self.status_label.setText(
            f"{rows:,} rows checked: {counts[READY] + counts[WARNING]:,} will be sent as "
            f"{view.lead_count if view else 0:,} leads, {counts[INVALID]:,} held back, "
            f"{counts[EXCLUDED]:,} left out."
        )

    # ----- editing -----
    def _cell_edited(self, number: int, header: str, value) -> None:
        """Check the corrected row at once (one row is fast), everything again after a pause."""
        position = self.model.position_of_number(number)
        if position is None or self.session.mapping is None:
            return
        self.session.check = None
        row = self.model.rows[position]
        try:
            check = pipeline_bridge.check_one_row(self.session, row)
        except Exception as exc:  # noqa: BLE001 - show it, keep the edit
            self.message.emit("error", f"Row {number} could not be checked again: {exc}")
            return
        self.model.set_row_check(number, check)
        self._update_counts()
        self._current_changed(self.view.currentIndex())
        self.recheck_timer.start()
        self.footer_changed.emit()

    def exclude_selected(self, exclude: bool) -> None:
        selected: set[int] = set()
        for block in self.view.selectionModel().selection():  # ranges, not an index per cell
            selected.update(self.model.numbers_in(block.top(), block.bottom()))
        numbers = sorted(selected)
        if not numbers and self.view.currentIndex().isValid():
            numbers = [self.model.number_at(self.view.currentIndex().row())]
        self.leave_out(numbers, exclude)

    def leave_out(self, numbers: list[int], exclude: bool = True) -> None:
        """Leave these rows out (or take them back), then check every row again after a pause."""
        if not numbers:
            return
        place = self._current_place()
        self.session.check = None
        if len(numbers) > LEAVE_OUT_AT_ONCE:
            # a million rows: a set update of that size is 60 ms of the GUI thread in one C call;
            # in pieces, one per turn of the event loop, the window goes on painting
            self._leaving_out = True
            self._leave_out_piece(numbers, 0, exclude, place)
            return
        self.model.set_excluded(numbers, exclude)
        self._left_out(place)

    _leaving_out = False

    def _leave_out_piece(self, numbers: list[int], start: int, exclude: bool, place) -> None:
        end = start + LEAVE_OUT_AT_ONCE
        self.model.set_excluded(numbers[start:end], exclude, bulk=True)
        if end < len(numbers):
            QTimer.singleShot(0, lambda: self._leave_out_piece(numbers, end, exclude, place))
            return
        self._leaving_out = False
        self._left_out(place)

    def _left_out(self, place) -> None:
        self._update_counts()
        self._restore_place(place)
        self._current_changed(self.view.currentIndex())
        self.recheck_timer.start()
        self.footer_changed.emit()

    def _filter_changed(self) -> None:
        self.model.set_mode(self.filter_combo.currentData())
        self._clear_detail()

    def _clear_detail(self) -> None:
        self.json_view.clear()
        self.problem_list.clear()
        self.row_title.setText("<b>Select a row</b>")
        self.fix_button.hide()
        self.revert_button.hide()
        self.replace_bar.offer_for(None, None)  # no row: nothing of a row's to offer
        self.send_without_box.hide()

    def _current_place(self) -> tuple[int, int] | None:
        """The current cell as (row number, column): view rows move when the model is reset."""
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row()).number, index.column()

    def _restore_place(self, place) -> None:
        if place is None:
            return
        number, column = place
        position = self.model.position_of_number(number)
        view_row = self.model.view_row_of_position(position) if position is not None else None
        if view_row is None:
            return
        index = self.model.index(view_row, column)
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _go_to_cell(self, number: int, header: str) -> None:
        column = self.model.column_index(header)
        if column is not None:
            self._restore_place((number, column))
            self.view.scrollTo(self.view.currentIndex())

    # ----- undoing corrections -----
    def undo_last_fix(self) -> None:
        cells = self.model.undo()
        if not cells:
            self.message.emit("info", "There is no correction to undo.")
            return
        self._corrections_changed(cells)

    def revert_current_cell(self) -> None:
        place = self._current_place()
        if place is None or place[1] == 0:
            return
        number, column = place
        header = self.model.headers[column - 1]
        if self.model.revert(number, header):
            self._corrections_changed([(number, header)])

    def _corrections_changed(self, cells: list[tuple[int, str]]) -> None:
        """Cells were put back (undo, revert): check their rows again, at once when they are few."""
        self.session.check = None
        numbers = sorted({number for number, _ in cells})
        if len(numbers) <= 50:
            for number in numbers:
                position = self.model.position_of_number(number)
                if position is None:
                    continue
                try:
                    self.model.set_row_check(number, pipeline_bridge.check_one_row(self.session, self.model.rows[position]))
                except Exception as exc:  # noqa: BLE001 - show it, keep going
                    self.message.emit("error", f"Row {number} could not be checked again: {exc}")
        self._go_to_cell(*cells[0])
        self._update_counts()
        self._current_changed(self.view.currentIndex())
        self.recheck_timer.start()
        self.footer_changed.emit()

    def select_next_problem(self) -> None:
        start = self.view.currentIndex().row() + 1 if self.view.currentIndex().isValid() else 0
        for view_row in self.model.problem_rows_from(start):
            number = self.model.number_at(view_row)
            check = self.model.checks.get(number)
            if check and check.status in (INVALID, WARNING) and number not in self.model.excluded:
                column = next((self.model.column_index(h) for h in check.cells if h is not None
                               and self.model.column_index(h) is not None), 0)
                index = self.model.index(view_row, column)
                self.view.setCurrentIndex(index)
                self.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                return
        self.message.emit("info", "No problems left to fix.")

    # ----- side panel -----
    def _current_changed(self, index, _previous=None) -> None:
        self.undo_button.setEnabled(bool(self.model.undo_stack))
        if not index.isValid() or index.row() >= self.model.rowCount():
            self._clear_detail()
            return
        self.problem_list.clear()
        row = self.model.row_at(index.row())
        number = row.number
        status = self.model.status_of(number)
        self.row_title.setText(f"<b>Row {number}</b> — {STATUS_WORDS.get(status, status)}")
        check = self.model.checks.get(number)
        if check:
            for header, problems in check.cells.items():
                for p in problems:
                    mark = "✕" if p.severity == "error" else "⚠"
                    self.problem_list.addItem(f"{mark} {p.message}")
                    self.problem_list.item(self.problem_list.count() - 1).setData(Qt.ItemDataRole.UserRole, header)
        if not self.problem_list.count():
            self.problem_list.addItem("No problems in this row.")
        self._offer_fix(row, index)
        header = self.model.headers[index.column() - 1] if index.column() > 0 else None
        self.revert_button.setVisible(header is not None and self.model.is_corrected(number, header))
        if status == EXCLUDED:
            self.json_view.setPlainText("This row is left out: it will not be sent.")
        elif status == INVALID:
            self.json_view.setPlainText("This row is held back: fix the red cells to send it.")
        elif self.result is not None and self.session.check is not None:
            self.json_view.setPlainText(self.result.request_json(number) or "")
        else:
            self.json_view.setPlainText("Checking again…")

    def _offer_fix(self, row, index) -> None:
        """A one-click fix when the core knows the workspace's nearest value (e.g. a dropdown typo)."""
        self._fix = None
        check = self.model.checks.get(row.number)
        current = self.model.headers[index.column() - 1] if index.column() > 0 else None
        candidates = []
        if check:
            for header, problems in check.cells.items():
                for p in problems:
                    if header is not None and p.value is not None:
                        candidates.append((header != current, header, p))
        for _, header, problem in sorted(candidates, key=lambda c: c[0]):
            suggestion = pipeline_bridge.suggested_value(self.session, header, problem)
            if suggestion and suggestion != problem.value:
                numbers = self.model.rows_holding(self.model.column_index(header) - 1, problem.value)
                self._fix = (header, problem.value, suggestion, numbers)
                n = len(numbers)
                self.fix_button.setText(f"Use “{suggestion}” for “{problem.value}” in {n:,} row{'s' if n != 1 else ''}")
                break
        self.fix_button.setVisible(self._fix is not None)
        self.replace_bar.offer_for(check, current)
        self.send_without_box.offer_for(row, check)

    def apply_suggested_fix(self) -> None:
        if not getattr(self, "_fix", None):
            return
        header, _old, suggestion, numbers = self._fix
        self.model.set_corrections([(number, header, suggestion) for number in numbers])  # one undo step
        self.session.check = None
        self.model.layoutChanged.emit()  # corrected values and washes repaint
        self.fix_button.hide()
        self._fix = None
        self.message.emit("info", f"“{suggestion}” is used in {len(numbers):,} rows; checking again…")
        self.start_check()
        self.footer_changed.emit()

    def _problem_activated(self, item) -> None:
        header = item.data(Qt.ItemDataRole.UserRole)
        column = self.model.column_index(header) if header else None
        if column is not None:
            current = self.view.currentIndex()
            self.view.setCurrentIndex(self.model.index(current.row(), column))
            self.view.setFocus()

    # ----- footer -----
    def primary_text(self) -> str:
        if self.result is not None and self.session.check is not None:
            n = self.result.lead_count
            return f"Continue to Send ({n:,} lead{'s' if n != 1 else ''})"
        return "Continue to Send"

    def primary_enabled(self) -> bool:
        return (self.session.check is not None and self.result is not None and self.result.lead_count > 0
                and self.worker is None)

    def is_checking(self) -> bool:
        return (self.worker is not None or self.recheck_timer.isActive() or self._leaving_out
                or getattr(self, "_check_pending", False))
