"""The Map step's "one column, several targets" controls: a date column can feed a field and an
action's `created_on` at once (the template's list form, `"Visit Date": [{...}, {...}]`)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QPushButton

from telecrm_desktop.gui.widgets.delegates import IGNORE_LABEL, target_choices


def path_of_choice(text: str, choices: list[tuple[str, str]]) -> str:
    """The path of a chosen label, or of a path typed by hand."""
    text = text.strip()
    for label, path in choices:
        if text in (label, path):
            return path
    if "·" in text:
        text = text.rsplit("·", 1)[1].strip()
    if text and not text.startswith(("fields.", "actions.")):
        text = f"fields.{text}"
    return text


class ExtraTargetButtons:
    """Two buttons for the selected column: add another target, and go back to one target."""

    def __init__(self, screen):
        self.screen = screen
        self.add_button = QPushButton("Add another target…")
        self.add_button.setToolTip("Send the selected column to one more field or action field too "
                                   "(e.g. a visit date to a date field and to the action's date).")
        self.add_button.clicked.connect(self.add_target)
        self.remove_button = QPushButton("Keep the first target only")
        self.remove_button.clicked.connect(self.drop_extra_targets)
        screen.view.selectionModel().currentRowChanged.connect(lambda *_: self.update())
        screen.model.dataChanged.connect(lambda *_: self.update())
        screen.model.modelReset.connect(self.update)
        self.update()

    def _row(self) -> int | None:
        index = self.screen.view.currentIndex()
        return index.row() if index.isValid() else None

    def update(self) -> None:
        row = self._row()
        model = self.screen.model
        paths = model.target_paths(row) if row is not None and row < len(model.headers) else []
        self.add_button.setEnabled(bool(paths))
        self.remove_button.setEnabled(len(paths) > 1)

    def add_target(self) -> None:
        row = self._row()
        if row is None:
            return
        model = self.screen.model
        column = model.headers[row]
        taken = set(model.target_paths(row))
        choices = [(label, path) for label, path in target_choices(self.screen.session.schema)
                   if path and path not in taken and label != IGNORE_LABEL]
        text, ok = QInputDialog.getItem(self.screen, "Another target", f"Also send “{column}” to:",
                                        [label for label, _ in choices], 0, True)
        if ok and text.strip():
            if not model.add_target(row, path_of_choice(text, choices)):
                self.screen.message.emit("info", f"“{column}” already goes there.")
        self.update()

    def drop_extra_targets(self) -> None:
        row = self._row()
        if row is not None:
            self.screen.model.drop_extra_targets(row)
        self.update()
