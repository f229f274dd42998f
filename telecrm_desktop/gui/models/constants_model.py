"""The Map screen's constants: one editable row per value every lead gets ("Send to", "Value").

Rows are kept as typed, half-finished ones included (a path still being written, an empty
value); `constants()` is what the template receives: the rows with a path, in order.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

PATH, VALUE = range(2)
HEADERS = ["Send to", "Value"]

_EDIT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)
_TEXT_ROLES = (*_EDIT_ROLES, Qt.ItemDataRole.ToolTipRole)  # the whole text on hover: the panel is narrow


class ConstantsModel(QAbstractTableModel):
    # a row was typed into, added with a path, or removed: the template's constants changed
    constants_edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[list[str]] = []  # [path, value]

    def set_constants(self, constants: dict) -> None:
        self.beginResetModel()
        self.rows = [[str(path), str(value)] for path, value in (constants or {}).items()]
        self.endResetModel()

    def constants(self) -> dict[str, str]:
        return {path.strip(): value for path, value in self.rows if path.strip()}

    def add_row(self, path: str = "fields.", value: str = "") -> QModelIndex:
        """A new row at the end; returns the index of its path, for the view to edit."""
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append([path, value])
        self.endInsertRows()
        return self.index(row, PATH)

    def remove_row(self, row: int) -> bool:
        if not 0 <= row < len(self.rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        self.constants_edited.emit()
        return True

    # ----- Qt model -----
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in _TEXT_ROLES:
            return None
        text = self.rows[index.row()][index.column()]
        return (text or None) if role == Qt.ItemDataRole.ToolTipRole else text

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        text = "" if value is None else str(value)
        row, column = index.row(), index.column()
        if self.rows[row][column] == text:
            return False
        self.rows[row][column] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.constants_edited.emit()
        return True
