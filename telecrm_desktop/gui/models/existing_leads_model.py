"""The Review step's existing-lead tables: one row per lead of a category, and the side-by-side of one
existing lead ("in telecrm now" -> "after this import") for every field its request changes."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from telecrm_desktop.gui.bridge.existing_leads import CATEGORY_WORDS, category

LEAD_HEADERS = ["Rows", "Identifier", "What happens", "Changes"]
COMPARE_HEADERS = ["Field", "In telecrm now", "After this import"]


def what_happens(decision) -> str:
    kind = category(decision)
    if kind == "skipped":
        return f"skipped: {decision.reason}"
    if decision.status == "unchanged":
        return f"not sent: {decision.reason}"
    return {"new": "created", "changing": "updated", "identical": "updated (actions added)"}.get(kind, kind)


class ExistingLeadsModel(QAbstractTableModel):
    """The leads of one category (or all), as (core Lead, core LeadDecision) pairs."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def decision_at(self, row: int):
        return self.items[row][1] if 0 <= row < len(self.items) else None

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(LEAD_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return LEAD_HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        lead, decision = self.items[index.row()]
        column = index.column()
        if column == 0:
            return ", ".join(map(str, lead.rows))
        if column == 1:
            return lead.identifier
        if column == 2:
            return what_happens(decision)
        return decision.changes_text


class ComparisonModel(QAbstractTableModel):
    """Every field the selected existing lead's request changes: telecrm's value now, the value after."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.changes: list = []

    def show_decision(self, decision) -> None:
        self.beginResetModel()
        self.changes = list(decision.changes) if decision is not None and decision.existing else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COMPARE_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COMPARE_HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        change = self.changes[index.row()]
        return (change.field, change.old, change.new)[index.column()]


__all__ = ["CATEGORY_WORDS", "ComparisonModel", "ExistingLeadsModel"]
