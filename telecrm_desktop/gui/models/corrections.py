"""Corrections typed on the Review step, kept beside the file's values (never written into a row),
and undone newest first: the review table's editing half (a mixin of ReviewModel)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from telecrm_desktop.gui.models.cell_text import cell_text

FILE_VALUE = object()  # in the undo stack: the cell had no correction, it showed the file's value


class Corrections:
    """Needs from the model: headers, edits, undo_stack, row_at, column_index, position_of_number,
    view_row_of_position, index, dataChanged, cell_edited."""

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        row = self.row_at(index.row())
        header = self.headers[index.column() - 1]
        original = row.values[index.column() - 1]
        text = "" if value is None else str(value)
        previous = self.edits.get(row.number, {}).get(header, FILE_VALUE)
        if text == cell_text(original):
            self._set_edit(row.number, header, FILE_VALUE)  # typed back to what the file says: no correction
        else:
            self._set_edit(row.number, header, text)
        if previous != self.edits.get(row.number, {}).get(header, FILE_VALUE):
            self.undo_stack.append([(row.number, header, previous)])
        self.dataChanged.emit(index, index)
        self.cell_edited.emit(row.number, header, text)
        return True

    def _set_edit(self, number: int, header: str, value) -> None:
        if value is FILE_VALUE:
            row_edits = self.edits.get(number)
            if row_edits is not None:
                row_edits.pop(header, None)
                if not row_edits:
                    self.edits.pop(number, None)
        else:
            self.edits.setdefault(number, {})[header] = value

    def is_corrected(self, number: int, header: str) -> bool:
        return header in self.edits.get(number, {})

    def set_corrections(self, changes: list[tuple[int, str, Any]]) -> None:
        """Several cells corrected at once (e.g. a suggested value in every row): one undo step."""
        step = []
        for number, header, value in changes:
            step.append((number, header, self.edits.get(number, {}).get(header, FILE_VALUE)))
            self._set_edit(number, header, value)
        if step:
            self.undo_stack.append(step)
            self._cells_changed(step)

    def revert(self, number: int, header: str) -> bool:
        """Drop the cell's correction: it shows and sends the file's value again (undoable)."""
        if not self.is_corrected(number, header):
            return False
        self.set_corrections([(number, header, FILE_VALUE)])
        return True

    def undo(self) -> list[tuple[int, str]]:
        """Put back what the newest correction replaced; returns the cells it touched."""
        if not self.undo_stack:
            return []
        step = self.undo_stack.pop()
        for number, header, value in reversed(step):
            self._set_edit(number, header, value)
        self._cells_changed(step)
        return [(number, header) for number, header, _ in step]

    def _cells_changed(self, cells) -> None:
        for number, header, *_ in cells:
            position, column = self.position_of_number(number), self.column_index(header)
            view_row = self.view_row_of_position(position) if position is not None else None
            if view_row is not None and column is not None:
                index = self.index(view_row, column)
                self.dataChanged.emit(index, index)
