"""The Map step's "Existing leads" cell: a choice of the field's overwrite rule (Update, Only if empty,
Keep telecrm's), committed as soon as it is picked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from telecrm_desktop.gui.models.mapping_model import OVERWRITE_TIPS, OVERWRITE_WORDS


class OverwriteDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.setAccessibleName("What an existing lead gets")
        for rule, words in OVERWRITE_WORDS.items():
            combo.addItem(words, rule)
            combo.setItemData(combo.count() - 1, OVERWRITE_TIPS[rule], Qt.ItemDataRole.ToolTipRole)
        combo.activated.connect(lambda _=0, c=combo: (self.commitData.emit(c), self.closeEditor.emit(c)))
        return combo

    def setEditorData(self, editor, index):
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "always")
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
