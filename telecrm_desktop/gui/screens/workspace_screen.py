"""Step 1: which telecrm workspace to send to, with which tokens, at what share of the rate budget.

A first run with nothing set offers the sandbox workspace (a telecrm stand-in on this computer)
and its sample sheet, so the whole flow can be tried before any real token is pasted.

Over 400 lines: the workspace, token and fields cards all turn on the enterprise ID being typed
(which buttons work, which tokens are listed, which to offer to move); the address and network
cards are already modules of their own (widgets/addresses_card.py, network_settings.py).
"""

from __future__ import annotations

import zoneinfo

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QInputDialog, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPushButton, QRadioButton, QScrollArea, QSpinBox, QVBoxLayout,
    QWidget,
)

from telecrm_desktop.core.addresses import EnterpriseIdError, check_enterprise_id
from telecrm_desktop.gui.bridge import token_store
from telecrm_desktop.gui.widgets.addresses_card import AddressesCard
from telecrm_desktop.gui.settings import app_settings
from telecrm_desktop.gui.screens.token_dialog import TokenDialog
from telecrm_desktop.gui.widgets.parts import Screen, page_header, titled_card
from telecrm_desktop.gui.bridge.workers import SchemaWorker, start_worker
from telecrm_desktop.gui.network_settings import NetworkGroup


def _country_items() -> list[tuple[str, str]]:
    import phonenumbers

    items = []
    for code in sorted(phonenumbers.SUPPORTED_REGIONS):
        territory = QLocale.codeToTerritory(code)
        name = QLocale.territoryToString(territory) if territory != QLocale.Country.AnyTerritory else code
        items.append((f"{name} ({code})", code))
    return sorted(items)


PREVIOUS_ID_KEY = "workspace/previous_enterprise_id"  # the ID before a correction: its tokens may follow


def enterprise_id_problem(text: str) -> str | None:
    """None for a valid enterprise ID, else a short sentence saying what to fix while it is typed."""
    import re

    from telecrm_desktop.core.addresses import ENTERPRISE_ID

    text = (text or "").strip()
    if ENTERPRISE_ID.fullmatch(text):
        return None
    if ":" in text or len(text) > 30:  # never echo what may be a pasted token
        return "This looks like an API token, not the enterprise ID: the ID is 24 characters, 0-9 and a-f."
    stray = sorted(set(re.sub(r"[0-9a-fA-F]", "", text)))
    if stray:
        shown = " ".join(f"'{c}'" if c != " " else "a space" for c in stray[:5])
        return f"An enterprise ID holds only 0-9 and a-f, not {shown}."
    return f"{len(text)} of 24 characters: the enterprise ID is 24 characters long."


class WorkspaceScreen(Screen):
    title = "Workspace"
    subtitle = ("Where the leads go. The enterprise ID and API tokens are on telecrm's "
                "Settings → Website and API page.")

    sample_requested = Signal()  # "try the sandbox with the sample sheet"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_header(self))

        # the cards scroll under the header: a short window (1024x700 at 150%) keeps every control reachable
        body = QWidget()
        cards = QVBoxLayout(body)
        cards.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        layout.addWidget(scroll, 1)

        self.first_run_card = self._build_first_run_card()
        cards.addWidget(self.first_run_card)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.addWidget(self._build_workspace_card(), 0, 0)
        grid.addWidget(self._build_tokens_card(), 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        cards.addLayout(grid)
        self.network_group = NetworkGroup()  # proxy and company certificate (gui/network_settings.py)
        cards.addWidget(self.network_group)
        cards.addStretch(1)
        self._load()

    # ----- building -----
    def _card(self, title: str) -> tuple[QFrame, QVBoxLayout]:
        return titled_card(title, (16, 12, 16, 16))

    def _build_first_run_card(self) -> QWidget:
        card, box = self._card("New here? Try it on the sandbox first")
        text = QLabel(
            "The sandbox is a practice telecrm workspace that runs on this computer. Open the sample "
            "sheet, map it, review it and send it: nothing leaves this computer."
        )
        text.setWordWrap(True)
        box.addWidget(text)
        row = QHBoxLayout()
        self.try_sandbox_button = QPushButton("Try the sandbox with the sample sheet")
        self.try_sandbox_button.setObjectName("primary")
        self.try_sandbox_button.clicked.connect(self.use_sandbox_with_sample)
        row.addWidget(self.try_sandbox_button)
        row.addStretch(1)
        box.addLayout(row)
        return card

    def _build_workspace_card(self) -> QWidget:
        card, box = self._card("Workspace")
        choice = QHBoxLayout()
        self.real_radio = QRadioButton("My telecrm workspace")
        self.sandbox_radio = QRadioButton("Sandbox (practice, on this computer)")
        self.real_radio.toggled.connect(self._kind_changed)
        choice.addWidget(self.real_radio)
        choice.addWidget(self.sandbox_radio)
        choice.addStretch(1)
        box.addLayout(choice)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.enterprise_edit = QLineEdit()
        self.enterprise_edit.setPlaceholderText("24 characters, e.g. 66f6bc6faf29b5a6f29c9bbf")
        self.enterprise_edit.textChanged.connect(self._enterprise_typed)  # accepted as it is typed
        form.addRow("&Enterprise ID", self.enterprise_edit)
        self.enterprise_status = QLabel()
        self.enterprise_status.setWordWrap(True)
        self.enterprise_status.setAccessibleName("Enterprise ID check")
        form.addRow("", self.enterprise_status)
        self.move_tokens_box = QWidget()
        move_row = QHBoxLayout(self.move_tokens_box)
        move_row.setContentsMargins(0, 0, 0, 0)
        self.move_tokens_label = QLabel()
        self.move_tokens_label.setWordWrap(True)
        move_row.addWidget(self.move_tokens_label, 1)
        self.move_tokens_button = QPushButton("Move them to this ID")
        self.move_tokens_button.clicked.connect(self.move_tokens_from_previous_id)
        move_row.addWidget(self.move_tokens_button)
        self.move_tokens_box.hide()
        form.addRow("", self.move_tokens_box)

        self.country_combo = QComboBox()
        self.country_combo.setEditable(True)
        self.country_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name, code in _country_items():
            self.country_combo.addItem(name, code)
        self.country_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.country_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.country_combo.currentIndexChanged.connect(self._save)
        form.addRow("Default &country", self.country_combo)
        note = QLabel("Used for phone numbers written without a country code.")
        note.setEnabled(False)
        form.addRow("", note)

        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone_combo.addItems(sorted(zoneinfo.available_timezones()))
        self.timezone_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.timezone_combo.currentIndexChanged.connect(self._save)
        form.addRow("&Time zone", self.timezone_combo)

        self.share_spin = QSpinBox()
        self.share_spin.setRange(10, 100)
        self.share_spin.setSuffix(" % of each token's limit")
        self.share_spin.valueChanged.connect(self._save)
        form.addRow("Rate &budget", self.share_spin)
        share_note = QLabel("Leave room for your website forms that use the same tokens.")
        share_note.setEnabled(False)
        form.addRow("", share_note)
        box.addLayout(form)
        self.addresses_card = AddressesCard(self.session)  # where requests go, and why
        self.addresses_card.problem.connect(lambda text: self.message.emit("warning", text))
        self.addresses_card.changed.connect(self.session.workspace_changed.emit)
        box.addWidget(self.addresses_card)
        self.sandbox_note = QLabel(
            "The sandbox has its own enterprise ID and three tokens; you need to paste nothing."
        )
        self.sandbox_note.setWordWrap(True)
        box.addWidget(self.sandbox_note)
        box.addStretch(1)
        return card

    def _build_tokens_card(self) -> QWidget:
        card, box = self._card("API tokens")
        self.tokens_hint = QLabel(
            "Up to 3 Async tokens are used at once, each at its own rate limit. A Sync token is "
            "optional: with it the app learns your workspace's fields, statuses and team."
        )
        self.tokens_hint.setWordWrap(True)
        box.addWidget(self.tokens_hint)
        self.token_list = QListWidget()
        self.token_list.setAccessibleName("Stored tokens")
        self.token_list.setMinimumHeight(90)
        self.token_list.setMaximumHeight(130)
        self.token_list.currentRowChanged.connect(self._token_selection_changed)
        box.addWidget(self.token_list)
        row = QHBoxLayout()
        self.add_async_button = QPushButton("Add Async token…")
        self.add_async_button.clicked.connect(lambda: self.add_token("async"))
        self.add_sync_button = QPushButton("Add Sync token…")
        self.add_sync_button.clicked.connect(lambda: self.add_token("sync"))
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self.rename_selected_token)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected_token)
        for b in (self.add_async_button, self.add_sync_button, self.rename_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        box.addLayout(row)
        self.tokens_status = QLabel()
        self.tokens_status.setWordWrap(True)
        box.addWidget(self.tokens_status)

        box.addSpacing(6)
        box.addWidget(QLabel("<b>Workspace fields</b>"))
        schema_row = QHBoxLayout()
        self.schema_label = QLabel()
        self.schema_label.setWordWrap(True)
        schema_row.addWidget(self.schema_label, 1)
        self.schema_button = QPushButton("Learn from telecrm")
        self.schema_button.setToolTip("Read the workspace's fields, actions, statuses and team with the Sync "
                                      "token, so mapping and checks match your workspace exactly.")
        self.schema_button.clicked.connect(self.pull_schema)
        schema_row.addWidget(self.schema_button)
        self.show_schema_button = QPushButton("Show…")
        self.show_schema_button.setToolTip("See the fields with their labels, the statuses and the team "
                                           "the app learnt.")
        self.show_schema_button.clicked.connect(self.show_schema)
        schema_row.addWidget(self.show_schema_button)
        box.addLayout(schema_row)
        return card

    # ----- state -----
    def _load(self) -> None:
        ws = self.session.workspace
        self._loading = True
        self.enterprise_edit.setText(ws.enterprise_id)
        self._last_valid_id = ws.enterprise_id if enterprise_id_problem(ws.enterprise_id) is None else ""
        i = self.country_combo.findData(ws.country)
        self.country_combo.setCurrentIndex(max(i, 0))
        i = self.timezone_combo.findText(ws.timezone)
        self.timezone_combo.setCurrentIndex(max(i, 0))
        self.share_spin.setValue(ws.budget_share)
        (self.sandbox_radio if ws.use_sandbox else self.real_radio).setChecked(True)
        self._loading = False
        self._refresh()

    def _kind_changed(self) -> None:
        self._save()

    def _save(self) -> None:
        if getattr(self, "_loading", True):
            return
        ws = self.session.workspace
        was_sandbox = ws.use_sandbox
        ws.use_sandbox = self.sandbox_radio.isChecked()
        if was_sandbox and not ws.use_sandbox:
            self._loading = True
            self.enterprise_edit.setText(ws.enterprise_id)  # the sandbox's ID was only shown
            self._loading = False
        elif not ws.use_sandbox:
            ws.enterprise_id = self.enterprise_edit.text().strip()
            self._note_enterprise_change(ws.enterprise_id)
        ws.country = self.country_combo.currentData() or ws.country
        tz = self.timezone_combo.currentText().strip()
        if tz in zoneinfo.available_timezones():
            ws.timezone = tz
        ws.budget_share = self.share_spin.value()
        ws.save()
        self._refresh()
        self.session.workspace_changed.emit()
        self.footer_changed.emit()

    def _refresh(self) -> None:
        ws = self.session.workspace
        sandbox = ws.use_sandbox
        key = ("sandbox" if sandbox else ws.enterprise_id)
        if key != getattr(self, "_schema_key", None):
            self._schema_key = key
            from telecrm_desktop.gui.bridge.schema_link import cached_schema

            cached = cached_schema(ws)
            if cached is not None or self.session.schema is not None:
                self.session.set_schema(cached)
            if sandbox and cached is None:
                self.pull_schema()  # the sandbox answers at once, on this computer
        self._show_schema()
        self.schema_button.setEnabled(ws.is_configured and not self.is_learning_schema())
        self._show_enterprise_check()
        self.first_run_card.setVisible(not ws.is_configured)
        self.enterprise_edit.setEnabled(not sandbox)
        self.sandbox_note.setVisible(sandbox)
        self.addresses_card.refresh()
        for w in (self.token_list, self.add_async_button, self.add_sync_button,
                  self.rename_button, self.remove_button):
            w.setEnabled(not sandbox and bool(ws.enterprise_id))
        self.reload_tokens()
        self._show_move_offer()

    # ----- the enterprise ID -----
    def _enterprise_typed(self, _text: str) -> None:
        self._save()

    def _note_enterprise_change(self, enterprise_id: str) -> None:
        """Remembers the last valid ID before this one: its tokens may need to follow a correction."""
        if enterprise_id_problem(enterprise_id) is not None:
            return
        enterprise_id = enterprise_id.lower()
        last = getattr(self, "_last_valid_id", "")
        if last and last.lower() != enterprise_id:
            app_settings().setValue(PREVIOUS_ID_KEY, last.lower())
        self._last_valid_id = enterprise_id

    def _show_enterprise_check(self) -> None:
        ws = self.session.workspace
        text = self.enterprise_edit.text().strip()
        if ws.use_sandbox:
            self.enterprise_status.setText("")
        elif not text:
            self.enterprise_status.setText("Paste the 24-character ID from telecrm's Settings → Website and API.")
        else:
            problem = enterprise_id_problem(text)
            self.enterprise_status.setText("✓ A valid enterprise ID." if problem is None else problem)
        self.enterprise_status.setStyleSheet(
            "color: #b3261e;" if text and not ws.use_sandbox and enterprise_id_problem(text) else "")

    def _previous_id_with_tokens(self) -> tuple[str, list]:
        ws = self.session.workspace
        previous = str(app_settings().value(PREVIOUS_ID_KEY, "") or "")
        if (ws.use_sandbox or not previous or enterprise_id_problem(ws.enterprise_id) is not None
                or previous == ws.enterprise_id.lower()):
            return "", []
        try:
            return previous, token_store.list_tokens(previous)
        except token_store.TokenStoreError:
            return "", []

    def _show_move_offer(self) -> None:
        previous, entries = self._previous_id_with_tokens()
        self.move_tokens_box.setVisible(bool(entries))
        if entries:
            n = len(entries)
            self.move_tokens_label.setText(
                f"{n} token{'s are' if n != 1 else ' is'} stored under the earlier ID {previous} "
                f"({', '.join(e.label for e in entries)}). If that ID was mistyped, move "
                f"{'them' if n != 1 else 'it'} here.")

    def move_tokens_from_previous_id(self) -> None:
        previous, entries = self._previous_id_with_tokens()
        if not entries:
            return
        try:
            moved = token_store.move_tokens(previous, self.session.workspace.enterprise_id)
        except token_store.TokenStoreError as exc:
            self.message.emit("error", str(exc))
        else:
            app_settings().remove(PREVIOUS_ID_KEY)
            self.message.emit("info", f"Moved {len(moved)} token{'s' if len(moved) != 1 else ''} to "
                                      f"{self.session.workspace.enterprise_id}.")
        self.reload_tokens()
        self._show_move_offer()
        self.footer_changed.emit()

    # ----- schema -----
    def pull_schema(self) -> None:
        if getattr(self, "_schema_worker", None) is not None:
            return
        self.schema_button.setEnabled(False)
        self.schema_label.setText("Reading the workspace's fields…")
        worker = SchemaWorker(self.session.workspace)
        worker.failed.connect(self._schema_failed)
        worker.finished.connect(self._schema_pulled)
        self._schema_worker = worker
        start_worker(self, worker)

    def _schema_failed(self, sentence: str) -> None:
        self.message.emit("warning", sentence)

    def _schema_pulled(self, schema) -> None:
        self._schema_worker = None
        self.schema_button.setEnabled(True)
        if schema is not None:
            self.session.set_schema(schema)
        self._show_schema()

    def is_learning_schema(self) -> bool:
        return getattr(self, "_schema_worker", None) is not None

    def show_schema(self) -> None:
        from telecrm_desktop.gui.screens.schema_dialog import SchemaDialog

        if self.session.schema is not None:
            SchemaDialog(self.session.schema, self).exec()

    def _show_schema(self) -> None:
        schema = self.session.schema
        self.show_schema_button.setEnabled(schema is not None)
        if schema is None:
            self.schema_label.setText("Not learnt yet: the standard fields are offered, and custom fields "
                                      "must be typed by their API name.")
            return
        from telecrm_desktop.core.workspace.schema_io import schema_age_text

        self.schema_label.setText(f"{len(schema.fields)} fields, {len(schema.actions)} actions, "
                                  f"{len(schema.active_members)} team members; {schema_age_text(schema)}.")

    def reload_tokens(self) -> None:
        self.token_list.clear()
        self._token_selection_changed()  # nothing is selected in a refilled list
        ws = self.session.workspace
        if ws.use_sandbox:
            try:
                from telecrm_desktop.gui.bridge.sandbox_link import sandbox_destination

                dest = sandbox_destination()
            except Exception as exc:  # noqa: BLE001 - say it; the real workspace still works
                self.tokens_status.setText(f"The sandbox could not start: {exc}")
                return
            for token in dest.tokens:
                self.token_list.addItem(f"{token.label}    Async    {token.masked}")
            self._loading = True
            self.enterprise_edit.setText(dest.enterprise_id)
            self._loading = False
            self.tokens_status.setText("The sandbox workspace brings its own tokens.")
            return
        if not ws.enterprise_id:
            self.tokens_status.setText("Enter the enterprise ID first.")
            return
        try:
            check_enterprise_id(ws.enterprise_id)
        except EnterpriseIdError:
            self.tokens_status.setText("Enter a valid enterprise ID first: tokens are kept per workspace.")
            for w in (self.token_list, self.add_async_button, self.add_sync_button):
                w.setEnabled(False)
            return
        try:
            entries = token_store.list_tokens(ws.enterprise_id)
        except token_store.TokenStoreError as exc:
            self.tokens_status.setText(str(exc))
            self.add_async_button.setEnabled(False)
            self.add_sync_button.setEnabled(False)
            return
        for entry in entries:
            kind = "Sync" if entry.kind == "sync" else "Async"
            item = QListWidgetItem(f"{entry.label}    {kind}    {entry.masked}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.token_list.addItem(item)
        n_async = sum(1 for e in entries if e.kind != "sync")
        self.add_async_button.setEnabled(n_async < token_store.MAX_ASYNC_TOKENS)
        self.add_sync_button.setEnabled(not any(e.kind == "sync" for e in entries))
        self.tokens_status.setText(
            "No Async token yet: add one to send." if n_async == 0
            else f"{n_async} Async token{'s' if n_async > 1 else ''} ready."
        )
        self._token_selection_changed()

    def _token_selection_changed(self, *_):
        has = self.token_list.currentItem() is not None
        self.rename_button.setEnabled(has and self.token_list.isEnabled())
        self.remove_button.setEnabled(has and self.token_list.isEnabled())

    def _selected_entry(self):
        item = self.token_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    # ----- actions -----
    def add_token(self, kind: str) -> None:
        ws = self.session.workspace
        try:
            default_label = token_store.next_label(ws.enterprise_id, kind)
        except token_store.TokenStoreError as exc:
            self.message.emit("error", str(exc))
            return
        enterprise = ws.enterprise_id
        dialog = TokenDialog("Async" if kind == "async" else "Sync", default_label, self,
                             store=lambda label, value: token_store.add_token(enterprise, label, value, kind))
        if dialog.exec():
            self.message.emit("warning" if dialog.warning else "", dialog.warning or "")
        self.reload_tokens()
        self.footer_changed.emit()

    def rename_selected_token(self) -> None:
        entry = self._selected_entry()
        if not entry:
            return
        label, ok = QInputDialog.getText(self, "Rename token", "New label:", text=entry.label)
        if ok and label.strip() and label.strip() != entry.label:
            self._guard(token_store.rename_token, self.session.workspace.enterprise_id,
                        entry.label, label.strip())

    def remove_selected_token(self) -> None:
        entry = self._selected_entry()
        if not entry:
            return
        kind = "Sync" if entry.kind == "sync" else "Async"
        answer = QMessageBox.question(
            self, "Remove token",
            f"Remove the {kind} token \"{entry.label}\" ({entry.masked}) from this computer's keyring?\n\n"
            "It stays valid in telecrm; delete it there too if nobody needs it any more. To use it "
            "here again you must paste it again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self._guard(token_store.remove_token, self.session.workspace.enterprise_id, entry.label)

    def _guard(self, fn, *args) -> None:
        try:
            warning = fn(*args)
        except token_store.TokenStoreError as exc:
            self.message.emit("error", str(exc))
        else:
            self.message.emit("warning" if warning else "", warning or "")
        self.reload_tokens()
        self.footer_changed.emit()

    def use_sandbox_with_sample(self) -> None:
        self.sandbox_radio.setChecked(True)
        self._save()
        self.sample_requested.emit()

    # ----- footer -----
    def primary_text(self) -> str:
        return "Continue to Open file"

    def primary_enabled(self) -> bool:
        return self.session.workspace.is_configured

    def on_enter(self) -> None:
        self._refresh()
