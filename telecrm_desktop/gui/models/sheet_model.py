"""The raw top of a sheet for the header-row picker: rows as in the file, the header row marked."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from telecrm_desktop.gui import style
from telecrm_desktop.gui.models.cell_text import cell_text, column_letter


class SheetPreviewModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._records: list = []  # core Record
        self._width = 0
        self.header_row: int | None = None

    def set_records(self, records: list, header_row: int | None) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._width = max((len(r.cells) for r in self._records), default=0)
        self.header_row = header_row
        self.endResetModel()

    def set_header_row(self, header_row: int | None) -> None:
        self.header_row = header_row
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, self._width - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._records) - 1)

    def record_number(self, row: int) -> int:
        return self._records[row].number

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self._width

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self._records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = record.cells
            return cell_text(cells[index.column()]) if index.column() < len(cells) else ""
        if self.header_row is None:
            return None
        if role == Qt.ItemDataRole.FontRole and record.number == self.header_row:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and record.number == self.header_row:
            return style.EDITED_WASH
        if role == Qt.ItemDataRole.ForegroundRole and record.number < self.header_row:
            return style.muted_colour()
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section)
        if section < len(self._records):
            number = self._records[section].number
            return f"{number} · header" if number == self.header_row else str(number)
        return None
