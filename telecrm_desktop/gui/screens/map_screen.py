"""Step 3: say where each column goes. Suggested on open (or a saved template that fits), editable
with a searchable target list, saved and loaded as `telecrm-mapping/1` templates.

Over 400 lines: the screen's widgets, its template files and its live check against the workspace
share the screen's state; its table models and editors already live apart (models/, widgets/).
"""

from __future__ import annotations

import copy
import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

# loaded with the screen: imported on the first suggestion, they stalled the window for 20 ms
# (schema_rules alone: 10 ms, when the suggestion was first checked against the workspace)
import telecrm_desktop.core.template.mapping  # noqa: F401
import telecrm_desktop.core.workspace.schema_rules  # noqa: F401
import telecrm_desktop.core.template.suggest  # noqa: F401
from telecrm_desktop.gui.widgets.delegates import TargetDelegate, TypeDelegate, target_choices
from telecrm_desktop.gui.widgets.extra_targets import ExtraTargetButtons
from telecrm_desktop.gui.models.constants_model import ConstantsModel
from telecrm_desktop.gui.models.mapping_model import OVERWRITE, TARGET, TYPE, MappingModel
from telecrm_desktop.gui.widgets.overwrite_delegate import OverwriteDelegate
from telecrm_desktop.gui.template_fit import fit_to_workspace, put_back
from telecrm_desktop.gui.templates import library_path, matching_template
from telecrm_desktop.gui.widgets.parts import Screen, after_paint, compact_table, page_header, titled_card

log = logging.getLogger(__name__)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text

SAMPLE_ROWS = 200  # rows looked at for sample values
SAMPLES_PER_COLUMN = 5
# worded as the date errors' hint words it ("set the date order to MDY")
DATE_ORDERS = [("DMY", "DMY: day first (05/11/2026 = 5 Nov)"), ("MDY", "MDY: month first (05/11/2026 = 11 May)"),
               ("YMD", "YMD: year first (2026/11/05)")]
DATE_SCAN_ROWS = 1000  # rows looked at for a date that settles the order


class MapScreen(Screen):
    title = "Map columns"
    subtitle = ("Choose where each column of the file goes in telecrm. Columns you ignore are not "
                "sent. Double-click a cell in “Send to” to change it; type to search.")

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._stale = True
        self._fill_pending = False
        self._samples_memo: tuple | None = None  # (rows looked at, samples) of the current sheet
        self._error = ""
        self.model = MappingModel(self)
        self.model.template_changed.connect(self._template_edited)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_header(self))

        bar = QHBoxLayout()
        self.origin_label = QLabel()
        self.origin_label.setWordWrap(True)  # a long note must not widen the window
        bar.addWidget(self.origin_label, 1)
        self.suggest_button = QPushButton("Suggest again")
        self.suggest_button.setToolTip("Replace the mapping with one suggested from the column names.")
        self.suggest_button.clicked.connect(lambda: self.apply_suggestion(force=True))
        self.load_button = QPushButton("Load template…")
        self.load_button.clicked.connect(lambda: self.load_template())  # clicked(bool) is not a path
        self.save_button = QPushButton("Save template…")
        self.save_button.setToolTip("Save this mapping as a telecrm-mapping/1 file (Ctrl+S).")
        self.save_button.clicked.connect(lambda: self.save_template())
        for b in (self.suggest_button, self.load_button, self.save_button):
            bar.addWidget(b)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Column mapping")
        self.target_delegate = TargetDelegate(self.view)
        self.view.setItemDelegateForColumn(TARGET, self.target_delegate)
        self.view.setItemDelegateForColumn(TYPE, TypeDelegate(self.view))
        self.view.setItemDelegateForColumn(OVERWRITE, OverwriteDelegate(self.view))  # issue 13
        _editable_table(self.view, QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in ((0, 150), (1, 190), (2, 250), (3, 120)):
            self.view.setColumnWidth(col, width)
        splitter.addWidget(self.view)
        self.extra_targets = ExtraTargetButtons(self)  # one column feeding several targets
        for b in (self.extra_targets.add_button, self.extra_targets.remove_button):
            bar.addWidget(b)
        splitter.addWidget(self._build_side_panel())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([880, 280])
        layout.addWidget(splitter, 1)

        summary = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        summary.addWidget(self.summary_label, 1)
        self.fix_button = QPushButton("Use the suggested names")
        self.fix_button.setToolTip("Replace each target the workspace lacks with its nearest real name.")
        self.fix_button.clicked.connect(self.apply_schema_fixes)
        self.fix_button.hide()
        summary.addWidget(self.fix_button)
        layout.addLayout(summary)

        session.sheet_changed.connect(self._sheet_changed)
        session.rows_loaded.connect(self._rows_loaded)
        session.workspace_changed.connect(self._update_context)
        session.schema_changed.connect(self._schema_changed)

    def _build_side_panel(self) -> QWidget:
        panel, box = titled_card("How to read the file", (12, 10, 12, 12))
        self.date_order_combo = QComboBox()
        for code, text in DATE_ORDERS:
            self.date_order_combo.addItem(text, code)
        self.date_order_combo.activated.connect(self._date_order_changed)
        label = QLabel("Date &order (dates written as text)")
        label.setWordWrap(True)
        label.setBuddy(self.date_order_combo)
        box.addWidget(label)
        box.addWidget(self.date_order_combo)
        self.date_order_note = QLabel()  # what the file's own dates say about the order
        self.date_order_note.setTextFormat(Qt.TextFormat.RichText)
        self.date_order_note.setWordWrap(True)
        self.date_order_note.setAccessibleName("Date order note")
        self.date_order_note.hide()
        box.addWidget(self.date_order_note)
        self.identifier_label = QLabel()
        self.identifier_label.setWordWrap(True)
        box.addWidget(self.identifier_label)

        box.addSpacing(8)
        box.addWidget(QLabel("<b>Same value for every lead</b>"))
        hint = QLabel("e.g. fields.contact_source = Expo 2026")
        hint.setEnabled(False)
        box.addWidget(hint)
        self.constants_model = ConstantsModel(self)
        self.constants_model.constants_edited.connect(self._constants_edited)
        self.constants_view = QTableView()
        self.constants_view.setModel(self.constants_model)
        self.constants_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        _editable_table(self.constants_view, QAbstractItemView.SelectionBehavior.SelectItems)
        self.constants_view.verticalHeader().hide()
        self.constants_view.setAccessibleName("Constants")
        box.addWidget(self.constants_view, 1)
        row = QHBoxLayout()
        add = QPushButton("Add")
        add.clicked.connect(self._add_constant)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_constant)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        box.addLayout(row)
        return panel

    # ----- sheet and suggestion -----
    def _sheet_changed(self) -> None:
        self._stale = True
        self._samples_memo = None
        self.session.mapping = None

    def _rows_loaded(self) -> None:
        if self._stale and self.isVisible():
            self.on_enter()

    def _samples(self) -> dict[str, list]:
        """The first few non-empty values of each column (kept: the suggestion and the table
        both ask, and a rescan of 200 rows is 1.5 ms of the GUI thread)."""
        sheet = self.session.sheet
        key = min(len(sheet.rows), SAMPLE_ROWS)
        if self._samples_memo is not None and self._samples_memo[0] == key:
            return self._samples_memo[1]
        headers = sheet.table.headers
        samples: dict[str, list] = {h: [] for h in headers}
        for row in sheet.rows[:SAMPLE_ROWS]:
            for header, value in zip(headers, row.values):
                bucket = samples[header]
                if len(bucket) < SAMPLES_PER_COLUMN and value is not None and value != "":
                    bucket.append(value)
        self._samples_memo = (key, samples)
        return samples

    def on_enter(self) -> None:
        """Shows the screen at once; the table is filled (template or suggestion) after its first
        paint, so the screen's layout and paint and the filling (a suggestion, its check against
        the workspace, the first judging of the samples: 10 ms) never add up to one long stall."""
        sheet = self.session.sheet
        if sheet is None or self._fill_pending:
            return
        if self._stale or self.session.mapping is None:
            self._fill_pending = True
            self.model.set_sheet([], {})  # not the previous file's columns meanwhile
            self.origin_label.setText("Suggesting where each column goes…")
            self.origin_label.setToolTip("")
            after_paint(self, self._fill)
            return
        self._refresh_summary()

    def is_filling(self) -> bool:
        """The table is about to be filled (see on_enter)."""
        return self._fill_pending

    def error_text(self) -> str:
        """Why the mapping on screen cannot be used ('' when it can)."""
        return self._error

    def set_aside(self) -> dict[str, list]:
        """Column -> the template's targets the workspace lacks, left unapplied (shown ✕ in red)."""
        return dict(getattr(self, "_set_aside", {}))

    def _fill(self) -> None:
        self._fill_pending = False
        sheet = self.session.sheet
        if sheet is None:
            return
        if self._stale or self.session.mapping is None:
            self._stale = False
            self.model.set_sheet(sheet.table.headers, self._samples())
            self._update_context()
            fitting = matching_template(sheet.table.headers, sheet.path)
            if fitting is not None:  # a template that only partly fits the workspace is applied in part
                path, data = fitting
                name = data.get("name") or path.stem
                where = "kept beside this file" if path.parent == sheet.path.parent else "saved earlier"
                self._use_template(data, f"The template “{name}” ({where}) fits this file and was loaded.",
                                   f"template: {path}")
            else:
                self.apply_suggestion(force=True)
        self._refresh_summary()

    def apply_suggestion(self, force: bool = False) -> None:
        sheet = self.session.sheet
        if sheet is None:
            return
        try:
            from telecrm_desktop.core.template.mapping import mapping_to_dict
            from telecrm_desktop.core.template.suggest import suggest_mapping

            suggestion = suggest_mapping(sheet.table.headers, self._samples(), self.session.schema)
            template = mapping_to_dict(suggestion)
        except Exception:  # noqa: BLE001 - no suggestion is no reason to stop: map by hand
            log.exception("suggesting a mapping failed")
            self.message.emit("warning", "No mapping could be suggested for these columns; "
                                         "choose where each column goes.")
            template = {"format": "telecrm-mapping/1", "columns": {h: None for h in sheet.table.headers}}
        self._use_template(template, "Suggested from the column names and sample values. "
                                     "Check the targets, then continue.", "suggested")

    def _use_template(self, template: dict, origin_text: str, origin: str) -> None:
        template = copy.deepcopy(template)
        template, note = self._fit_to_workspace(template)
        origin_text += note
        columns = template.setdefault("columns", {})
        for header in self.model.headers:
            columns.setdefault(header, None)
        self.origin_label.setText(origin_text)
        self.origin_label.setToolTip("")
        self._origin = origin
        self._applying = True
        try:
            self.model.set_template(template)
        finally:
            self._applying = False
        self._date_guess = self._guess_date_order(template.get("date_order", "DMY"))
        if self._date_guess is not None and self._date_guess.certain:
            template["date_order"] = self._date_guess.order  # the file's dates leave no choice
        i = self.date_order_combo.findData(template.get("date_order", "DMY"))
        self.date_order_combo.setCurrentIndex(max(i, 0))
        self._show_date_note()
        self._fill_constants()
        self._template_edited(origin=origin)

    def _fit_to_workspace(self, template: dict) -> tuple[dict, str]:
        """Sets aside the targets the workspace lacks (kept in self._set_aside to be shown in red
        with the nearest real field); everything else of the template is applied."""
        self._set_aside, self._set_aside_others = {}, []
        if self.session.schema is None or not template.get("columns"):
            return template, ""
        try:
            from telecrm_desktop.core.template.mapping import parse_mapping
            from telecrm_desktop.core.workspace.schema_rules import check_mapping_against_schema

            problems = check_mapping_against_schema(parse_mapping(template, "the template"), self.session.schema)
        except Exception:  # noqa: BLE001 - a template that cannot be read says so when checked
            return template, ""
        fitted = fit_to_workspace(template, problems)
        if not fitted.count:
            return template, ""
        self._set_aside, self._set_aside_others = fitted.set_aside, fitted.others
        n = fitted.count
        note = f" {n} of its targets {'are' if n != 1 else 'is'} not in this workspace: marked ✕, the rest is used."
        if fitted.others:
            self.message.emit("warning", " ".join(p.message for p in fitted.others))
        return fitted.template, note

    def _schema_changed(self) -> None:
        self._update_context()
        if self.model.headers:
            self._template_edited(origin=getattr(self, "_origin", "suggested"))

    def _update_context(self) -> None:
        try:
            from telecrm_desktop.core.convert import ConvertContext
        except ImportError:
            return
        ws = self.session.workspace
        order = self.date_order_combo.currentData() or "DMY"
        self.model.set_context(ConvertContext(country=ws.country, timezone=ws.timezone, date_order=order),
                               self.session.schema)
        self.target_delegate.schema = self.session.schema
        self.model.labels = {path: label for label, path in target_choices(self.session.schema) if path}

    # ----- template editing -----
    def full_template(self) -> dict:
        """The template with what the Open and Workspace steps decided filled in."""
        template = copy.deepcopy(self.model.template)
        sheet = self.session.sheet
        ws = self.session.workspace
        template["format"] = "telecrm-mapping/1"
        if sheet is not None:
            if sheet.source.sheet:
                template["sheet"] = sheet.source.sheet
            template["header_row"] = sheet.table.header_row
        template.setdefault("country", ws.country)
        template.setdefault("timezone", ws.timezone)
        template["date_order"] = self.date_order_combo.currentData() or "DMY"
        if not template.get("constants"):
            template.pop("constants", None)
        return template

    def _template_edited(self, origin: str | None = None) -> None:
        if getattr(self, "_applying", False):
            return
        if origin is None:
            origin = "edited"
            if getattr(self, "_origin", "") != "edited":
                self.origin_label.setText(self.origin_label.text().split(" Edited")[0] + " Edited by you.")
        self._origin = origin
        self._error = ""
        try:
            from telecrm_desktop.core.template.mapping import MappingError, parse_mapping
        except ImportError:
            self._error = "The mapping module is not available in this build."
            self.session.set_mapping(None, origin)
        else:
            template = self.full_template()
            try:
                mapping = parse_mapping(template, "the mapping on screen")
            except MappingError as exc:  # one sentence naming the key
                self._error = _sentence(str(exc))
                self.session.set_mapping(None, origin)
            else:
                self._check_against_schema(mapping)
                if self._error:
                    self.session.set_mapping(None, origin)
                else:
                    self.session.set_mapping(mapping, origin, template)
        self._refresh_summary()
        self.footer_changed.emit()

    def _check_against_schema(self, mapping) -> None:
        """The workspace's own rules (core.workspace.schema_rules): targets it lacks, the identifier unmapped."""
        self._problems = []
        by_column: dict[str, list] = {}
        if self.session.schema is not None:
            from telecrm_desktop.core.workspace.schema_rules import check_mapping_against_schema

            self._problems = check_mapping_against_schema(mapping, self.session.schema)
            for problem in self._problems:
                if problem.source.startswith('column "'):
                    by_column.setdefault(problem.source[len('column "'):-1], []).append(problem)
        for column, problems in getattr(self, "_set_aside", {}).items():
            row = self.model.headers.index(column) if column in self.model.headers else None
            if row is not None and not self.model.target_paths(row):  # until the person maps it again
                by_column.setdefault(column, []).extend(problems)
        self.model.set_schema_problems(by_column)
        errors = [p for p in self._problems if p.is_error]
        if errors:
            more = f" ({len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} marked ✕ above)" if len(errors) > 1 else ""
            self._error = errors[0].message + more
        self.fix_button.setVisible(any(p.suggestion and p.source.startswith('column "') for p in self._problems)
                                   or any(p.suggestion for ps in getattr(self, "_set_aside", {}).values() for p in ps))

    def apply_schema_fixes(self) -> None:
        columns = self.model.template["columns"]
        for problem in getattr(self, "_problems", []):
            if not (problem.suggestion and problem.source.startswith('column "')):
                continue
            column = problem.source[len('column "'):-1]
            entry = columns.get(column)
            targets = entry if isinstance(entry, list) else [entry] if entry else []
            for target in targets:
                if target.get("to") == problem.target:
                    target["to"] = problem.suggestion
        for column, problems in getattr(self, "_set_aside", {}).items():
            for problem in problems:
                if problem.suggestion:
                    put_back(self.model.template, column, problem.suggestion)
        self._set_aside = {}
        self.model.set_template(self.model.template)
        self._template_edited()

    def _date_order_changed(self) -> None:
        self._show_date_note()
        self._update_context()
        self._template_edited()

    def _guess_date_order(self, current: str):
        """What the file's text dates say about the date order (None without a sheet)."""
        sheet = self.session.sheet
        if sheet is None:
            return None
        from telecrm_desktop.core.convert.date_order import infer_date_order

        samples = self._samples()
        dated = [i for i, h in enumerate(sheet.table.headers)
                 if infer_date_order({h: samples.get(h, [])}).has_dates]
        if not dated:
            return infer_date_order({}, current)
        headers = sheet.table.headers
        columns = {headers[i]: [row.values[i] for row in sheet.rows[:DATE_SCAN_ROWS] if i < len(row.values)]
                   for i in dated}
        return infer_date_order(columns, current)

    def _show_date_note(self) -> None:
        guess = getattr(self, "_date_guess", None)
        chosen = self.date_order_combo.currentData() or "DMY"
        text, warn = "", False
        if guess is not None and guess.has_dates:
            text = guess.sentence(chosen)
            warn = guess.conflict or not guess.certain
            if guess.certain and chosen != guess.order:
                code = guess.order
                text = (f"These dates can only be {'day' if code == 'DMY' else 'month'} first: set the date "
                        f"order to {code}.")
                warn = True
        from telecrm_desktop.gui.widgets import style

        colour = (self._error_colour() if guess.certain else style.status_colour("warning").name()) if warn else None
        shown = html.escape(text)  # the file's own values and column names, never markup
        self.date_order_note.setText(f"<span style='color:{colour}'>{shown}</span>" if colour else shown)
        self.date_order_note.setProperty("warning", warn)
        self.date_order_note.setVisible(bool(text))

    def _refresh_summary(self) -> None:
        n = len(self.model.headers)
        # a column joined into one field (first + last name, form answers) is sent too
        mapped = sum(1 for r in range(n) if self.model.target_paths(r)
                     or self.model.combined_target(self.model.headers[r]))
        identifier = self.model.template.get("identifier") or (
            self.session.schema.identifier_field if self.session.schema else "phone")
        feeding = [self.model.headers[r] for r in range(n) if f"fields.{identifier}" in self.model.target_paths(r)]
        if feeding:
            self.identifier_label.setText(f"Leads are matched on <b>{identifier}</b>, from the column "
                                          f"“{feeding[0]}”.")
        else:
            self.identifier_label.setText(f"Leads are matched on <b>{identifier}</b>: map a column to "
                                          f"fields.{identifier}, or every row will be held back.")
        text = f"{n} columns: {mapped} sent, {n - mapped} ignored."
        if self._error:
            text = f"<span style='color:{self._error_colour()}'>{self._error}</span>"
        self.summary_label.setText(text)

    @staticmethod
    def _error_colour() -> str:
        from telecrm_desktop.gui.widgets import style

        return style.status_colour("error").name()

    # ----- constants -----
    def _fill_constants(self) -> None:
        self.constants_model.set_constants(self.model.template.get("constants") or {})

    def _constants_edited(self) -> None:
        self.model.template["constants"] = self.constants_model.constants()
        self._template_edited()

    def _add_constant(self) -> None:
        index = self.constants_model.add_row("fields.")
        self.constants_view.setCurrentIndex(index)
        self.constants_view.edit(index)

    def _remove_constant(self) -> None:
        self.constants_model.remove_row(self.constants_view.currentIndex().row())

    # ----- files -----
    def save_template(self, path: str | Path | None = None) -> Path | None:
        try:
            from telecrm_desktop.core.template.mapping import MappingError, parse_mapping, save_mapping
        except ImportError:
            self.message.emit("error", "Templates cannot be saved in this build.")
            return None
        if path is None:
            suggested = str(library_path(self.session.sheet.path.stem if self.session.sheet else "template"))
            path, _ = QFileDialog.getSaveFileName(self, "Save template", suggested, "Mapping templates (*.json)")
            if not path:
                return None
        path = Path(path)
        template = self.full_template()
        template.setdefault("name", path.stem)
        try:
            mapping = parse_mapping(template, str(path))
            save_mapping(mapping, path)
            library = library_path(path.stem)
            if library != path:
                save_mapping(mapping, library)  # so a file with these headers gets it offered
        except (MappingError, OSError) as exc:  # one sentence
            self.message.emit("error", f"The template could not be saved: {exc}")
            return None
        self.message.emit("info", f"Template saved to {path}.")
        return path

    def load_template(self, path: str | Path | None = None) -> None:
        try:
            from telecrm_desktop.core.template.mapping import MappingError, load_mapping, mapping_to_dict
        except ImportError:
            self.message.emit("error", "Templates cannot be loaded in this build.")
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Load template", "", "Mapping templates (*.json);;All files (*)")
            if not path:
                return
        try:
            template = mapping_to_dict(load_mapping(Path(path)))
        except MappingError as exc:  # one sentence naming the file and the key
            self.message.emit("error", str(exc))
            return
        missing = [c for c in (template.get("columns") or {}) if c not in self.model.headers]
        self._use_template(template, f"Loaded from {Path(path).name}.", f"template: {path}")
        if missing:
            self.message.emit("warning", "The template names columns this file does not have: "
                                         + ", ".join(f"“{c}”" for c in missing[:5]) + ".")

    # ----- footer -----
    def primary_text(self) -> str:
        return "Continue to Review"

    def primary_enabled(self) -> bool:
        return self.session.mapping is not None


def _editable_table(view: QTableView, selects: QAbstractItemView.SelectionBehavior) -> None:
    """One selection at a time, edited by double-click, F2 or simply typing (to search a target)."""
    view.setSelectionBehavior(selects)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
    compact_table(view, row_numbers=False)
