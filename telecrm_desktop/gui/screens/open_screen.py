"""Step 2: choose the file, the sheet and the header row, with a live preview of the sheet's top.

The file is read in a background thread: the preview and the first rows show at once, the rest
streams in with a progress bar. Nothing is ever written to the file.

Over 400 lines: the step's controls (file, sheet, header row, encoding, delimiter) each re-read
the file and share one reading state.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel,
    QListWidget, QListWidgetItem, QPushButton, QSpinBox, QTableView, QVBoxLayout,
    QWidget,
)

from telecrm_desktop.gui.models.sheet_model import SheetPreviewModel
from telecrm_desktop.gui.session import LoadedSheet
from telecrm_desktop.gui.settings import recent_files, remember_recent_file
from telecrm_desktop.gui.widgets.parts import (
    QuietProgressBar, Screen, after_paint, compact_table, page_header, titled_card,
)
from telecrm_desktop.gui.bridge.workers import SheetReadWorker, start_worker

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "cp1250", "cp1251", "shift_jis",
             "gb18030", "big5", "euc-kr"]
DELIMITERS = [(",", "Comma ( , )"), (";", "Semicolon ( ; )"), ("\t", "Tab"), ("|", "Pipe ( | )")]


class OpenScreen(Screen):
    title = "Open a file"
    subtitle = "Excel (.xlsx, .xls), OpenDocument (.ods) or CSV. The file itself is never changed."

    loading_finished = Signal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.worker: SheetReadWorker | None = None
        self._path: Path | None = None
        self._source = None
        self._loading = False
        self._rows_read = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_header(self))

        # drop zone and recent files, shown until a file is open
        self.start_panel = QWidget()
        start = QHBoxLayout(self.start_panel)
        start.setContentsMargins(0, 0, 0, 0)
        start.setSpacing(16)
        drop = QFrame()
        drop.setObjectName("card")
        drop.setMinimumHeight(220)
        drop_layout = QVBoxLayout(drop)
        drop_layout.addStretch(1)
        drop_label = QLabel("Drop a spreadsheet anywhere on this window")
        drop_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = drop_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)
        drop_label.setFont(f)
        drop_layout.addWidget(drop_label)
        self.browse_button = QPushButton("Browse for a file…  (Ctrl+O)")
        self.browse_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.browse_button)
        row.addStretch(1)
        drop_layout.addLayout(row)
        self.sample_button = QPushButton("Open the sample sheet")
        self.sample_button.setFlat(True)
        self.sample_button.clicked.connect(self.open_sample)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        row2.addWidget(self.sample_button)
        row2.addStretch(1)
        drop_layout.addLayout(row2)
        drop_layout.addStretch(1)
        start.addWidget(drop, 3)
        recent_box, recent_layout = titled_card("Recent files")
        self.recent_list = QListWidget()
        self.recent_list.setAccessibleName("Recent files")
        self.recent_list.itemActivated.connect(lambda item: self.open_path(Path(item.data(Qt.ItemDataRole.UserRole))))
        recent_layout.addWidget(self.recent_list)
        start.addWidget(recent_box, 2)
        layout.addWidget(self.start_panel)

        # file details, shown once a file is open
        self.file_panel = QWidget()
        fp = QVBoxLayout(self.file_panel)
        fp.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.file_label, 1)
        self.change_button = QPushButton("Open another file…")
        self.change_button.clicked.connect(self.choose_file)
        top.addWidget(self.change_button)
        fp.addLayout(top)

        options = QHBoxLayout()
        self.sheet_label = QLabel("&Sheet")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(16)
        self.sheet_label.setBuddy(self.sheet_combo)
        self.sheet_combo.activated.connect(self._reopen)
        self.header_label = QLabel("&Header row")
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1000)
        self.header_spin.setToolTip("The row that holds the column names; rows above it are ignored. "
                                    "You can also click a row in the preview.")
        self.header_label.setBuddy(self.header_spin)
        self.header_spin.editingFinished.connect(self._header_spin_changed)
        self.encoding_label = QLabel("&Encoding")
        self.encoding_combo = QComboBox()
        self.encoding_combo.setEditable(True)
        self.encoding_combo.addItems(ENCODINGS)
        self.encoding_label.setBuddy(self.encoding_combo)
        self.encoding_combo.activated.connect(self._reopen)
        self.delimiter_label = QLabel("&Delimiter")
        self.delimiter_combo = QComboBox()
        for value, name in DELIMITERS:
            self.delimiter_combo.addItem(name, value)
        self.delimiter_label.setBuddy(self.delimiter_combo)
        self.delimiter_combo.activated.connect(self._reopen)
        self.sheets_note = QLabel()  # "This workbook has 3 sheets; …" (why this one is open)
        self.sheets_note.setWordWrap(True)
        for w in (self.sheet_label, self.sheet_combo, self.sheets_note, self.header_label, self.header_spin,
                  self.encoding_label, self.encoding_combo, self.delimiter_label, self.delimiter_combo):
            options.addWidget(w)
        options.addStretch(1)
        fp.addLayout(options)

        self.preview_hint = QLabel("The top of the sheet. The highlighted row holds the column names; "
                                   "click another row to use it instead.")
        self.preview_hint.setEnabled(False)
        fp.addWidget(self.preview_hint)
        self.preview_model = SheetPreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.horizontalHeader().setDefaultSectionSize(140)
        compact_table(self.preview_view)
        self.preview_view.clicked.connect(self._preview_clicked)
        self.preview_view.setAccessibleName("Sheet preview")
        fp.addWidget(self.preview_view, 1)

        status = QHBoxLayout()
        self.status_label = QLabel()
        status.addWidget(self.status_label, 1)
        self.progress = QuietProgressBar()
        self.progress.setMaximumWidth(280)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        status.addWidget(self.progress)
        fp.addLayout(status)
        layout.addWidget(self.file_panel, 1)
        self.file_panel.hide()
        self._fill_recent()

    # ----- opening -----
    def choose_file(self) -> None:
        start = str(self._path.parent) if self._path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open a lead sheet", start, FILE_FILTER)
        if path:
            self.open_path(Path(path))

    def open_sample(self) -> None:
        sample = sample_sheet_path()
        if sample is None:
            self.message.emit("error", "The sample sheet is missing from this installation.")
            return
        self.open_path(sample)

    def open_path(self, path: Path, *, sheet=None, encoding=None, delimiter=None, header_row=None) -> None:
        path = Path(path)
        if not path.exists():
            self.message.emit("error", f"The file {path} does not exist (it may have been moved or deleted).")
            return
        if path != self._path:
            self.session.mapping = None  # a new file gets a fresh suggestion
        self._start_read(path, sheet=sheet, encoding=encoding, delimiter=delimiter, header_row=header_row,
                         template_sheet=template_sheet(path) if sheet is None else None)

    def _start_read(self, path: Path, **options) -> None:
        if self.worker is not None:
            self.worker.cancel()
        if path != self._path:
            self._source = None
        self._path = path
        self._loading = True
        self._rows_read = 0
        self.message.emit("", "")
        self.status_label.setText(f"Opening {path.name}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.file_label.setText(f"<b>{path.name}</b> &nbsp;·&nbsp; {_size_text(path)} &nbsp;·&nbsp; {path.parent}")
        self.start_panel.hide()
        self.file_panel.show()
        worker = SheetReadWorker(path, **options)
        # slots check sender(): a superseded read (another sheet, header row) is ignored
        worker.opened.connect(self._opened)
        worker.table_ready.connect(self._table_ready)
        worker.rows_read.connect(self._rows_arrived)
        worker.progress.connect(self._progress)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        start_worker(self, worker)
        self.footer_changed.emit()

    def _reopen(self, *_) -> None:
        if self._path is None:
            return
        options = {"header_row": None}
        if self._source is not None and self._source.sheet_names:
            options["sheet"] = self.sheet_combo.currentText() or None
        if self._source is not None and self._source.kind == "csv":
            options["encoding"] = self.encoding_combo.currentText().strip() or None
            options["delimiter"] = self.delimiter_combo.currentData()
        self._start_read(self._path, **options)

    def set_header_row(self, row: int) -> None:
        if self._path is None or row == self.preview_model.header_row:
            return
        options = {"header_row": row}
        if self._source is not None and self._source.sheet_names:
            options["sheet"] = self._source.sheet
        if self._source is not None and self._source.kind == "csv":
            options["encoding"] = self._source.encoding
            options["delimiter"] = self._source.delimiter
        self.preview_model.set_header_row(row)
        self._start_read(self._path, **options)

    def _header_spin_changed(self) -> None:
        self.set_header_row(self.header_spin.value())

    def _preview_clicked(self, index) -> None:
        self.set_header_row(self.preview_model.record_number(index.row()))

    # ----- worker signals -----
    def _is_current(self) -> bool:
        return self.worker is not None and self.sender() is self.worker

    def _opened(self, source, preview, header_row) -> None:
        if not self._is_current():
            return
        self._source = source
        self.preview_model.set_records(preview, header_row)
        worker = self.worker  # the reader waits for that paint (a lambda: run here, in the GUI thread)
        after_paint(self, lambda: worker.preview_painted())
        is_csv = source.kind == "csv"
        for w in (self.sheet_label, self.sheet_combo, self.sheets_note):
            w.setVisible(bool(source.sheet_names))
        self.sheets_note.setText(sheets_note(source))
        for w in (self.encoding_label, self.encoding_combo, self.delimiter_label, self.delimiter_combo):
            w.setVisible(is_csv)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(source.sheet_names)
        if source.sheet:
            self.sheet_combo.setCurrentText(source.sheet)
        if is_csv:
            self.encoding_combo.setCurrentText(source.encoding or "")
            i = self.delimiter_combo.findData(source.delimiter)
            if i >= 0:
                self.delimiter_combo.setCurrentIndex(i)
        self.header_spin.setValue(header_row)
        remember_recent_file(str(self._path))  # written to disk in the background
        self._fill_recent()

    def _table_ready(self, table) -> None:
        if not self._is_current():
            return
        self.session.set_sheet(LoadedSheet(self._path, self._source, table, rows=self.worker.rows))
        self.footer_changed.emit()

    def _rows_arrived(self, count: int) -> None:
        if not self._is_current() or self.session.sheet is None:
            return
        self._rows_read = count  # the reader put them in the sheet's row store

    def _progress(self, value) -> None:
        if not self._is_current():
            return
        count, fraction, total = value
        if fraction is not None:
            self.progress.show_progress(int(fraction * 1000), 1000)
        elif total:
            self.progress.show_progress(min(1000, int(count * 1000 / total)), 1000)
        self.status_label.setText(f"Reading… {count:,} rows so far")

    def _failed(self, sentence: str) -> None:
        if not self._is_current():
            return
        self.message.emit("error", sentence)
        self.status_label.setText("The file could not be read.")
        if self.session.sheet is None or self.session.sheet.path != self._path:
            # nothing of this file could be shown: back to choosing a file
            self._source = None
            self.session.clear_sheet()
            self.file_panel.hide()
            self.start_panel.show()
            self._fill_recent()

    def _finished(self, result) -> None:
        if not self._is_current():
            return
        self.worker = None
        self._loading = False
        self.progress.hide()
        sheet = self.session.sheet
        if result is not None and sheet is not None:
            sheet.complete = True
            n = len(sheet.rows)
            self.status_label.setText(
                f"{n:,} data row{'s' if n != 1 else ''} below the header row {sheet.table.header_row}, "
                f"{len(sheet.table.headers)} columns."
            )
            self.session.rows_loaded.emit()
        self.footer_changed.emit()
        self.loading_finished.emit()

    def views_painted_later(self):
        return [self.preview_view]

    def is_loading(self) -> bool:
        return self._loading

    def _fill_recent(self) -> None:
        self.recent_list.clear()
        for path in recent_files():
            item = QListWidgetItem(Path(path).name)
            item.setToolTip(path)
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent_list.addItem(item)
        if not self.recent_list.count():
            item = QListWidgetItem("Files you open appear here.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent_list.addItem(item)

    # ----- footer -----
    def primary_text(self) -> str:
        return "Continue to Map columns"

    def primary_enabled(self) -> bool:
        return self.session.sheet is not None and bool(self.session.sheet.rows or not self._loading)


def sheets_note(source) -> str:
    """'This workbook has 3 sheets; “Leads” is open because it has the most rows under a header.'"""
    names = list(getattr(source, "sheet_names", None) or [])
    if not names:
        return ""
    n = len(names)
    text = f"This workbook has {n} sheet{'s' if n != 1 else ''}"
    why = {"data": "it has the most rows under a header",
           "template": "the saved template for this file names it"}.get(getattr(source, "sheet_chosen", ""))
    if why and n > 1:
        return f"{text}; “{source.sheet}” is open because {why}."
    return text + "."


def template_sheet(path: Path) -> str | None:
    """The sheet named by the template kept beside the file or saved for it (by its name), if any."""
    import json

    from telecrm_desktop.gui.templates import beside, library_path

    for candidate in (beside(path), library_path(path.stem)):
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        sheet = data.get("sheet") if isinstance(data, dict) else None
        if isinstance(sheet, str) and sheet:
            return sheet
    return None


def _size_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "size unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


def sample_sheet_path() -> Path | None:
    """The sample lead sheet shipped as package data (installed wheel, source tree or bundle)."""
    from telecrm_desktop import assets

    return assets.sample_sheet()
