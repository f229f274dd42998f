"""Cell editors: a searchable list of targets and a type picker for the mapping table."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QStyledItemDelegate

from telecrm_desktop.gui.models.mapping_model import TYPES

IGNORE_LABEL = "Ignore this column"
STANDARD_FIELDS = [("Name", "name"), ("Phone", "phone"), ("Email", "email"), ("Status", "status"),
                   ("Rating", "rating"), ("Assignee (team member e-mail)", "assignee")]
PAYMENT_KEYS = [("Payment amount", "amount"), ("Payment currency", "currency"),
                ("Payment status", "status")]


def target_choices(schema=None) -> list[tuple[str, str]]:
    """(label, path) pairs for the target list: the workspace's own fields and actions when known."""
    choices: list[tuple[str, str]] = [(IGNORE_LABEL, "")]
    if schema is not None and schema.fields:
        for api_name, field in sorted(schema.fields.items()):
            name = field.display_name or api_name
            choices.append((f"{name}  ·  fields.{api_name}", f"fields.{api_name}"))
        for code, action in sorted(schema.actions.items()):
            name = action.display_name or code
            choices.append((f"{name}: date  ·  actions.{code}.created_on", f"actions.{code}.created_on"))
            for key, field in sorted(action.fields.items()):
                choices.append((f"{name}: {field.display_name or key}  ·  actions.{code}.{key}",
                                f"actions.{code}.{key}"))
    else:
        for name, api_name in STANDARD_FIELDS:
            choices.append((f"{name}  ·  fields.{api_name}", f"fields.{api_name}"))
    for name, key in PAYMENT_KEYS:
        choices.append((f"{name}  ·  actions.PAYMENT.{key}", f"actions.PAYMENT.{key}"))
    return choices


def searchable_combo(parent) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


def ranked_choices(choices: list[tuple[str, str]], typed: str) -> list[tuple[str, str]]:
    """The choices that match what was typed, best first: the exact name ("Name", "name",
    "fields.name"), then names starting with it, then a word starting with it, then containing it."""
    needle = typed.strip().casefold()
    if not needle:
        return list(choices)
    scored = []
    for position, (label, path) in enumerate(choices):
        name = label.split("  ·  ")[0].casefold()
        api = path.rsplit(".", 1)[-1].casefold()
        whole = label.casefold()
        if needle in (name, api, path.casefold(), whole):
            score = 0
        elif name.startswith(needle) or api.startswith(needle) or path.casefold().startswith(needle):
            score = 1
        elif any(word.startswith(needle) for word in name.replace("_", " ").split()):
            score = 2
        elif needle in whole:
            score = 3
        else:
            continue
        scored.append((score, position, label, path))
    return [(label, path) for _, _, label, path in sorted(scored)]


class RankedCompleter(QCompleter):
    """A popup of the choices ranked for what is typed (QCompleter alone keeps the list's order,
    so typing "name" offered "Company Name" before "Name")."""

    def __init__(self, choices: list[tuple[str, str]], parent=None):
        self._list = QStringListModel(parent)
        super().__init__(self._list, parent)
        self.choices = choices
        self.ranked: list[tuple[str, str]] = list(choices)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(12)

    def rank(self, typed: str) -> None:
        self.ranked = ranked_choices(self.choices, typed)
        self._list.setStringList([label for label, _ in self.ranked])
        if typed.strip() and self.ranked and self.widget() is not None:
            self.complete()
        else:
            self.popup().hide()


def path_from_text(combo: QComboBox, choices: list[tuple[str, str]]) -> str:
    """The chosen path: a listed choice, the best match for what was typed, or a path typed by
    hand (fields.x / actions.ACTION_1.y) that matches nothing listed."""
    text = combo.currentText().strip()
    for label, path in choices:
        if text in (label, path):
            return path
    best = ranked_choices([c for c in choices if c[1]], text) if text else []
    if best and not text.startswith(("fields.", "actions.")):
        return best[0][1]
    if text.lower() in ("", "ignore", IGNORE_LABEL.lower()):
        return ""
    if "·" in text:
        text = text.rsplit("·", 1)[1].strip()
    if not text.startswith(("fields.", "actions.")):
        text = f"fields.{text}"
    return text


class TargetDelegate(QStyledItemDelegate):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.schema = None

    def createEditor(self, parent, option, index):
        combo = searchable_combo(parent)
        combo.setToolTip("Type to search; or type a field's API name (fields.city) or an action "
                         "field (actions.ACTION_1001.note).")
        self._choices = target_choices(self.schema)
        for label, path in self._choices:
            combo.addItem(label, path)
        completer = RankedCompleter(self._choices, combo)
        combo.setCompleter(completer)
        combo.lineEdit().textEdited.connect(completer.rank)
        combo.activated.connect(lambda _=0, c=combo: self._commit(c))
        combo.lineEdit().returnPressed.connect(lambda c=combo: self._commit(c))
        completer.activated.connect(lambda text, c=combo: self._commit(c, text))
        return combo

    def _commit(self, combo, text: str | None = None):
        if getattr(combo, "_committed", False):
            return
        if text is not None:
            combo.setEditText(text)
        combo._committed = True
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor, index):
        path = index.data(Qt.ItemDataRole.EditRole) or ""
        i = editor.findData(path)
        if i >= 0:
            editor.setCurrentIndex(i)
        else:
            editor.setEditText(path)
        editor.lineEdit().selectAll()  # a key typed to start editing replaces the target, not appends

    def setModelData(self, editor, model, index):
        model.setData(index, path_from_text(editor, self._choices), Qt.ItemDataRole.EditRole)


class ChoiceDelegate(QStyledItemDelegate):
    """A cell edited by picking one of a few choices, committed as soon as one is picked."""

    default = ""  # the choice shown for a cell without a value
    accessible_name = ""

    def choices(self) -> list[tuple[str, str, str]]:
        """(text shown, value stored, tooltip) for each choice."""
        raise NotImplementedError

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        if self.accessible_name:
            combo.setAccessibleName(self.accessible_name)
        for text, value, tip in self.choices():
            combo.addItem(text, value)
            if tip:
                combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        combo.activated.connect(lambda _=0, c=combo: (self.commitData.emit(c), self.closeEditor.emit(c)))
        return combo

    def setEditorData(self, editor, index):
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole) or self.default)
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TypeDelegate(ChoiceDelegate):
    def choices(self) -> list[tuple[str, str, str]]:
        return [("automatic", "", "")] + [(name, name, "") for name in TYPES]
