"""The raw top of a sheet for the header-row picker: rows as in the file, the header row marked.

A QStandardItemModel filled once per file: the view paints it in C++ without calling Python, so
a paint never waits for the reading thread's turn on the interpreter lock (a Python data() was
one wait per cell and role: hundreds of milliseconds per paint while a file was being read).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont, QStandardItem, QStandardItemModel

from telecrm_desktop.gui import style
from telecrm_desktop.gui.models.cell_text import cell_text, column_letter


LONG_TEXT = 16  # characters that fit a preview column's default width


class SheetPreviewModel(QStandardItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._records: list = []  # core Record
        self.header_row: int | None = None

    def set_records(self, records: list, header_row: int | None) -> None:
        self._records = list(records)
        width = max((len(r.cells) for r in self._records), default=0)
        self.header_row = header_row
        self.clear()
        self.setColumnCount(width)
        looks = self._looks()
        for record in self._records:
            cells = record.cells
            font, wash, colour = looks(record.number)
            row = []
            for column in range(width):
                text = cell_text(cells[column]) if column < len(cells) else ""
                item = QStandardItem(text)
                if len(text) > LONG_TEXT:  # may be cut off in its column: the whole text on hover
                    item.setToolTip(text)
                if font is not None:  # the few marked rows only: every call here waits its turn
                    item.setFont(font)  # on the interpreter lock while the file is being read
                    item.setBackground(wash)
                elif colour is not None:
                    item.setForeground(colour)
                row.append(item)
            self.appendRow(row)
        self.setHorizontalHeaderLabels([column_letter(c) for c in range(width)])
        self._label_rows()

    def set_header_row(self, header_row: int | None) -> None:
        self.header_row = header_row
        looks = self._looks()
        for r, record in enumerate(self._records):
            font, wash, colour = looks(record.number)
            for c in range(self.columnCount()):
                item = self.item(r, c)
                item.setData(font, Qt.ItemDataRole.FontRole)
                item.setData(wash, Qt.ItemDataRole.BackgroundRole)
                item.setData(colour, Qt.ItemDataRole.ForegroundRole)
        self._label_rows()

    def _looks(self):
        """number -> (font, background, foreground) of a record's cells; None: the default."""
        bold = QFont()
        bold.setBold(True)
        wash, muted = QBrush(style.EDITED_WASH), QBrush(style.muted_colour())
        header = self.header_row

        def looks(number: int):
            if header is None:
                return None, None, None
            if number == header:
                return bold, wash, None
            return None, None, (muted if number < header else None)
        return looks

    def _label_rows(self) -> None:
        if self._records:
            self.setVerticalHeaderLabels([f"{r.number} · header" if r.number == self.header_row else str(r.number)
                                          for r in self._records])

    def record_number(self, row: int) -> int:
        return self._records[row].number
