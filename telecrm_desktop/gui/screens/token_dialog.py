"""Asks for a token's label and value; the value is typed hidden and never shown again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)


class TokenDialog(QDialog):
    def __init__(self, kind: str, default_label: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Add {kind} token")
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

    def label(self) -> str:
        return self.label_edit.text().strip()

    def value(self) -> str:
        return self.value_edit.text().strip()
