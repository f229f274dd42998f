"""Review's "replace X with Y in all N rows" for a label the workspace does not have (a dropdown
option, a status, a lost reason, a team member): any of the workspace's own values can be picked,
not only the nearest one the core suggests."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


LABEL_RULES = ("dropdown.", "status.", "lost_reason.", "assignee.")


def allowed_values(session, column: str, rule: str) -> list[str]:
    """The workspace's values for the column's target, for a problem of that kind ([] when unknown)."""
    schema, mapping = session.schema, session.mapping
    if schema is None or mapping is None:
        return []
    if rule.startswith("status."):
        return list(schema.active_statuses)
    if rule.startswith("lost_reason."):
        return list(schema.lost_reasons)
    if rule.startswith("assignee."):
        return list(schema.active_members)
    if rule.startswith("dropdown."):
        for target in mapping.columns.get(column, []):
            field = schema.fields.get(target.field_name) if target.is_field else None
            if field is not None and field.options:
                return list(field.options)
    return []


class ReplaceValueBar(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self._offer: tuple[str, str, list[int]] | None = None  # column, value, row numbers
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        box.addWidget(self.label)
        row = QHBoxLayout()
        self.combo = QComboBox()
        self.combo.setAccessibleName("Value to use instead")
        row.addWidget(self.combo, 1)
        self.replace_button = QPushButton("Replace")
        self.replace_button.clicked.connect(self.apply)
        row.addWidget(self.replace_button)
        box.addLayout(row)
        self.hide()

    def offer_for(self, check, current_header: str | None) -> None:
        """Offers a replacement for the row's first label problem (the current cell's first)."""
        self._offer = None
        found = []
        for header, problems in (check.cells.items() if check else ()):
            for p in problems:
                if header is not None and p.value is not None and p.rule.startswith(LABEL_RULES):
                    found.append((header != current_header, header, p))
        for _, header, problem in sorted(found, key=lambda f: f[0]):
            options = allowed_values(self.screen.session, header, problem.rule)
            if not options:
                continue
            model = self.screen.model
            numbers = model.rows_holding(model.column_index(header) - 1, problem.value)
            self._offer = (header, problem.value, numbers)
            n = len(numbers)
            self.label.setText(f"Replace “{problem.value}” in all {n:,} row{'s' if n != 1 else ''} of "
                               f"“{header}” with:")
            self.combo.clear()
            self.combo.addItems(options)
            break
        self.setVisible(self._offer is not None)

    def apply(self) -> None:
        if self._offer is None:
            return
        header, old, numbers = self._offer
        value = self.combo.currentText()
        screen = self.screen
        for number in numbers:
            screen.session.edits.setdefault(number, {})[header] = value
        screen.session.check = None
        screen.model.layoutChanged.emit()
        self._offer = None
        self.hide()
        screen.message.emit("info", f"“{value}” replaces “{old}” in {len(numbers):,} rows; checking again…")
        screen.start_check()
        screen.footer_changed.emit()
