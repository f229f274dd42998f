"""The raw top of a sheet for the header-row picker: rows as in the file, the header row marked.

Everything a paint asks for is worked out once per file (or header row) in plain lists, and a
painted cell costs one Python call (multiData answers all the roles the delegate asks for at
once): the preview is painted while the reading thread runs, and every call from Qt into Python
waits for that thread's turn on the interpreter lock.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from telecrm_desktop.gui.widgets import style
from telecrm_desktop.gui.models.cell_text import cell_text, column_letter

LONG_TEXT = 16  # characters that fit a preview column's default width

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)


class SheetPreviewModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._records: list = []  # core Record
        self._texts: list[list[str]] = []  # [row][column], every row as wide as the widest
        self._width = 0
        self._looks: list[dict | None] = []  # per row: role -> font or brush; None: the default look
        self._labels: list[str] = []  # row header: the record's number in the file
        self._letters: list[str] = []
        self.header_row: int | None = None

    def set_records(self, records: list, header_row: int | None) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._width = width = max((len(r.cells) for r in self._records), default=0)
        self._texts = [[cell_text(v) for v in r.cells] + [""] * (width - len(r.cells)) for r in self._records]
        self._letters = [column_letter(c) for c in range(width)]
        self.header_row = header_row
        self._mark_header_row()
        self.endResetModel()

    def set_header_row(self, header_row: int | None) -> None:
        self.header_row = header_row
        self._mark_header_row()
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, max(self._width - 1, 0)),
                                  [Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole,
                                   Qt.ItemDataRole.ForegroundRole])
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._records) - 1)

    def _mark_header_row(self) -> None:
        """The header row bold on a wash, rows above it muted, rows below as they are."""
        header = self.header_row
        bold = QFont()
        bold.setBold(True)
        marked = {_FONT: bold, _BACKGROUND: QBrush(style.EDITED_WASH)}
        above = {_FOREGROUND: QBrush(style.muted_colour())}
        self._looks = [None if header is None or r.number > header else marked if r.number == header else above
                       for r in self._records]
        self._labels = [f"{r.number} · header" if r.number == header else str(r.number) for r in self._records]

    def record_number(self, row: int) -> int:
        return self._records[row].number

    # ----- Qt model -----
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._width

    def _value(self, row: int, column: int, role: int):
        if role == _DISPLAY:
            return self._texts[row][column]
        if role == _TOOLTIP:  # may be cut off in its column: the whole text on hover
            text = self._texts[row][column]
            return text if len(text) > LONG_TEXT else None
        looks = self._looks[row]
        return looks.get(role) if looks else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self._value(index.row(), index.column(), int(role))

    def multiData(self, index, span) -> None:
        """Every role a painted cell needs, in one call (Qt's own multiData calls data() per role,
        seven times a cell). Kept lean: it runs for every cell of every paint."""
        row = index.row()
        looks = self._looks[row]
        for slot in span:  # every slot: a delegate reuses one span from cell to cell
            role = slot.role()
            if role == _DISPLAY:
                slot.setData(self._texts[row][index.column()])
            elif looks is not None and role in looks:
                slot.setData(looks[role])
            elif role == _TOOLTIP and len(self._texts[row][index.column()]) > LONG_TEXT:
                slot.setData(self._texts[row][index.column()])
            else:
                slot.clearData()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        labels = self._letters if orientation == Qt.Orientation.Horizontal else self._labels
        return labels[section] if 0 <= section < len(labels) else None
