"""Asks for a token's label and value; the value is typed hidden and never shown again.

With a `store` callable the dialog saves the token itself when OK is pressed and stays open with
the reason inside when it is refused, so a person corrects the paste instead of starting over.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)


class TokenDialog(QDialog):
    def __init__(self, kind: str, default_label: str, parent=None,
                 store: Callable[[str, str], str | None] | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Add {kind} token")
        self._store = store
        self.warning: str | None = None  # what `store` said about an accepted token
        layout = QVBoxLayout(self)
        hint = QLabel(
            f"Create an {kind} token in telecrm under Settings → Website and API → API token, "
            "copy it, and paste it here. It is kept in this computer's keyring, never in a file."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.label_edit = QLineEdit(default_label)
        self.value_edit = QLineEdit()
        self.value_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.value_edit.setPlaceholderText("paste the token")
        form.addRow("&Label", self.label_edit)
        form.addRow("&Token", self.value_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setObjectName("dialogError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.value_edit.textChanged.connect(self._validate)
        self.label_edit.textChanged.connect(self._validate)
        self.value_edit.setFocus()

    def _validate(self) -> None:
        self.ok_button.setEnabled(bool(self.value_edit.text().strip() and self.label_edit.text().strip()))

    def accept(self) -> None:
        if self._store is not None:
            from telecrm_desktop.gui.bridge.token_store import TokenStoreError

            try:
                self.warning = self._store(self.label(), self.value())
            except TokenStoreError as exc:  # stay open: the paste is still there to correct
                self.error_label.setText(str(exc))
                self.error_label.show()
                self.value_edit.setFocus()
                self.value_edit.selectAll()
                return
        super().accept()

    def label(self) -> str:
        return self.label_edit.text().strip()

    def value(self) -> str:
        return self.value_edit.text().strip()
