"""One row per source column: name, sample values, target, type and a status mark.

The model edits the template in its file form (the `telecrm-mapping/1` dict the spec defines) and
leaves every rule to the core: `parse_mapping` turns it into a Mapping, `target_type` says the
type, and the core converters judge the samples.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from telecrm_desktop.gui.widgets import style
from telecrm_desktop.gui.template_fit import set_aside_check, set_aside_text
from telecrm_desktop.gui.models.cell_text import cell_text
from telecrm_desktop.gui.models.one_call import OneCallPerCell

COLUMN, SAMPLES, TARGET, TYPE, OVERWRITE, STATUS = range(6)
HEADERS = ["Column in file", "Sample values", "Send to", "Type", "Existing leads", "Check"]
# the template's `overwrite` rule of a lead field, in words (mapping-format.md)
OVERWRITE_WORDS = {"always": "Update", "if_empty": "Only if empty", "never": "Keep telecrm's"}
OVERWRITE_TIPS = {
    "always": "An existing lead gets this value.",
    "if_empty": "An existing lead gets this value only where telecrm has none.",
    "never": "Only a new lead gets this value; an existing lead keeps telecrm's.",
}
TYPES = ["text", "email", "phone", "number", "money", "date", "dropdown", "tags", "rating",
         "status", "lost_reason", "user", "website", "medialink"]
AUTOMATIC = ""  # no explicit type: the core decides from the schema or the standard fields


def targets_of(entry) -> list[dict]:
    if entry is None:
        return []
    return list(entry) if isinstance(entry, list) else [entry]


class MappingModel(OneCallPerCell, QAbstractTableModel):
    template_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.samples: dict[str, list] = {}
        self.template: dict[str, Any] = {"format": "telecrm-mapping/1", "columns": {}}
        self.schema = None
        self.context = None  # core ConvertContext for judging samples
        self._status_cache: dict[str, tuple[str, str]] = {}
        self.labels: dict[str, str] = {}  # path -> "Display name  ·  path" from the target list
        self.schema_problems: dict[str, list] = {}  # column -> core SchemaProblem (workspace misfits)

    # ----- loading -----
    def set_sheet(self, headers: list[str], samples: dict[str, list]) -> None:
        self.beginResetModel()
        self.headers = list(headers)
        self.samples = samples
        self._status_cache.clear()
        self.endResetModel()

    def set_template(self, template: dict) -> None:
        self.beginResetModel()
        self.template = copy.deepcopy(template)
        self.template.setdefault("columns", {})
        self._status_cache.clear()
        self.endResetModel()
        self.template_changed.emit()

    def set_context(self, context, schema=None) -> None:
        self.context, self.schema = context, schema
        self._status_cache.clear()
        if self.headers:
            self.dataChanged.emit(self.index(0, TYPE), self.index(len(self.headers) - 1, STATUS))

    # ----- reading -----
    def entry(self, row: int):
        return self.template["columns"].get(self.headers[row])

    def combined_target(self, column: str) -> str | None:
        for path, spec in (self.template.get("combined") or {}).items():
            if column in (spec.get("columns") or []):
                return path
        return None

    def target_paths(self, row: int) -> list[str]:
        return [t.get("to", "") for t in targets_of(self.entry(row))]

    def explicit_type(self, row: int) -> str:
        targets = targets_of(self.entry(row))
        return (targets[0].get("type") or AUTOMATIC) if targets else AUTOMATIC

    def effective_type(self, row: int) -> str:
        targets = targets_of(self.entry(row))
        if not targets:
            return ""
        explicit = targets[0].get("type")
        if explicit:
            return explicit
        try:
            from telecrm_desktop.core.template.mapping import Target, target_type

            return target_type(Target(targets[0]["to"]), self.schema)
        except Exception:  # an unfinished path while typing: no type yet
            return "text"

    def mapped_paths(self) -> list[str]:
        paths = [p for r in range(len(self.headers)) for p in self.target_paths(r)]
        paths += list((self.template.get("combined") or {}).keys())
        return paths

    def status(self, row: int) -> tuple[str, str]:
        """(kind, text): "ok"/"warning"/"error"/"" and a short phrase."""
        column = self.headers[row]
        if column in self._status_cache:
            return self._status_cache[column]
        self._status_cache[column] = result = self._judge(row)
        return result

    def set_schema_problems(self, problems: dict[str, list]) -> None:
        self.schema_problems = problems
        self._status_cache.clear()
        if self.headers:
            self.dataChanged.emit(self.index(0, STATUS), self.index(len(self.headers) - 1, STATUS))

    def set_aside_text(self, column: str) -> str:
        """'fields.City — not applied' for a template target the workspace lacks."""
        for problem in self.schema_problems.get(column, []):
            text = set_aside_text(problem)
            if text:
                return text
        return ""

    def _judge(self, row: int) -> tuple[str, str]:
        column = self.headers[row]
        problems = self.schema_problems.get(column)
        if problems:
            worst = problems[0]
            if set_aside_text(worst):  # a template target the workspace lacks: why, and the nearest name
                return "error", set_aside_check(worst)
            return ("error" if worst.is_error else "warning"), worst.message
        paths = self.target_paths(row)
        if not paths:
            combined = self.combined_target(column)
            return ("ok", f"joined into {combined}") if combined else ("", "ignored")
        all_paths = self.mapped_paths()
        for path in paths:
            if all_paths.count(path) > 1 and not path.startswith("actions."):
                return "warning", f"{path} also receives another column; the later one wins"
        values = [v for v in self.samples.get(column, []) if v is not None and cell_text(v).strip()]
        if not values:
            return "ok", "no sample values"
        type_name = self.effective_type(row)
        try:
            from telecrm_desktop.core.convert import ValueRejected, encode_value
        except ImportError:
            return "ok", "mapped"
        if self.context is None:
            return "ok", "mapped"
        rejected = []
        judge = self._workspace_judge(paths[0])  # the workspace's labels, as Review judges them
        for value in values:
            try:
                encoded = encode_value(value, type_name, self.context)
            except ValueRejected as exc:
                rejected.append(f'"{cell_text(value)}" {exc.reason}')
                continue
            except Exception:  # noqa: BLE001 - a sample the converter chokes on is still a sample
                rejected.append(f'"{cell_text(value)}" cannot be read as {type_name}')
                continue
            problem = judge(encoded) if judge is not None and encoded is not None else None
            if problem is not None:
                rejected.append(f'"{cell_text(value)}" {problem.reason}')
        if rejected:
            return "warning", f"{len(rejected)} of {len(values)} samples fail: {rejected[0]}"
        return "ok", f"{len(values)} of {len(values)} samples fit {type_name}"

    def _workspace_judge(self, path: str):
        """The core's check of an encoded value against the workspace's labels (dropdown options,
        statuses, lost reasons, team), the one the row pipeline applies; None without a schema."""
        if self.schema is None or not path.startswith("fields."):
            return None
        from telecrm_desktop.core.workspace.schema_rules import SchemaRules

        rules = getattr(self, "_rules", None)
        if rules is None or rules.schema is not self.schema:
            rules = self._rules = SchemaRules(self.schema)
        name = path[len("fields."):]
        return lambda encoded: rules.value_problem(name, encoded)

    # ----- editing -----
    def set_target(self, row: int, path: str | None) -> None:
        column = self.headers[row]
        old = targets_of(self.entry(row))
        if not path:
            self.template["columns"][column] = None
        else:
            keep = {k: v for k, v in (old[0] if old else {}).items() if k not in ("to", "type")}
            new = {"to": path, **keep}
            if len(old) > 1:
                self.template["columns"][column] = [new] + old[1:]
            else:
                self.template["columns"][column] = new
        self._changed()

    def set_type(self, row: int, type_name: str) -> None:
        targets = targets_of(self.entry(row))
        if not targets:
            return
        first = dict(targets[0])
        if type_name:
            first["type"] = type_name
        else:
            first.pop("type", None)
        column = self.headers[row]
        self.template["columns"][column] = [first] + targets[1:] if len(targets) > 1 else first
        self._changed()

    def add_target(self, row: int, path: str) -> bool:
        """One more target for the column (the template's list form); False when it has it already."""
        column = self.headers[row]
        targets = targets_of(self.entry(row))
        if not path or any(t.get("to") == path for t in targets):
            return False
        targets.append({"to": path})
        self.template["columns"][column] = targets if len(targets) > 1 else targets[0]
        self._changed()
        return True

    def drop_extra_targets(self, row: int) -> None:
        """Back to the first target only."""
        targets = targets_of(self.entry(row))
        if len(targets) > 1:
            self.template["columns"][self.headers[row]] = targets[0]
            self._changed()

    def overwrite_rule(self, row: int) -> str | None:
        """The first target's overwrite rule, when it is a lead field other than the identifier."""
        targets = targets_of(self.entry(row))
        if not targets or not str(targets[0].get("to", "")).startswith("fields."):
            return None
        if targets[0]["to"] == "fields." + str(self.template.get("identifier") or "phone"):
            return None
        return targets[0].get("overwrite", "always")

    def set_overwrite(self, row: int, rule: str) -> None:
        targets = targets_of(self.entry(row))
        if self.overwrite_rule(row) is None or rule not in OVERWRITE_WORDS:
            return
        first = dict(targets[0])
        if rule == "always":
            first.pop("overwrite", None)  # the default: the template stays as it was
        else:
            first["overwrite"] = rule
        column = self.headers[row]
        self.template["columns"][column] = [first] + targets[1:] if len(targets) > 1 else first
        self._changed()

    def _changed(self) -> None:
        self._status_cache.clear()
        if self.headers:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.headers) - 1, STATUS))
        self.template_changed.emit()

    # ----- Qt -----
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.headers)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.column() == TARGET or (index.column() == TYPE and self.target_paths(index.row())):
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == OVERWRITE and self.overwrite_rule(index.row()) is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        column = self.headers[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COLUMN:
                return column
            if col == SAMPLES:
                return " · ".join(cell_text(v) for v in self.samples.get(column, [])[:3] if v not in (None, ""))
            if col == TARGET:
                paths = self.target_paths(row)
                if paths:
                    return ", ".join(self.labels.get(p, p) for p in paths)
                aside = self.set_aside_text(column)  # first: it needs the person's attention
                if aside:
                    return aside
                combined = self.combined_target(column)
                return f"joined into {combined}" if combined else "Ignore this column"
            if col == TYPE:
                explicit = self.explicit_type(row)
                effective = self.effective_type(row)
                if not effective:
                    return ""
                return effective if explicit else f"{effective} (automatic)"
            if col == OVERWRITE:
                rule = self.overwrite_rule(row)
                return OVERWRITE_WORDS.get(rule, "") if rule else ""
            if col == STATUS:
                kind, text = self.status(row)
                mark = {"ok": "✓", "warning": "⚠", "error": "✕"}.get(kind, "–")
                return f"{mark}  {text}"
        if role == Qt.ItemDataRole.EditRole:
            if col == TARGET:
                paths = self.target_paths(row)
                return paths[0] if paths else ""
            if col == TYPE:
                return self.explicit_type(row)
            if col == OVERWRITE:
                return self.overwrite_rule(row) or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == OVERWRITE and self.overwrite_rule(row):
                return OVERWRITE_TIPS[self.overwrite_rule(row)] + " A new lead always gets every value."
            if col == SAMPLES:
                return "\n".join(cell_text(v) for v in self.samples.get(column, [])[:8])
            if col == STATUS:
                aside = [p for p in self.schema_problems.get(column, []) if set_aside_text(p)]
                return aside[0].message if aside else self.status(row)[1]
            if col == TARGET:
                return "Double-click or press F2 to choose where this column goes."
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == STATUS:
                kind = self.status(row)[0]
                return style.status_colour(kind) if kind else style.muted_colour()
            if col == TARGET and not self.target_paths(row):
                return style.status_colour("error") if self.set_aside_text(column) else style.muted_colour()
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if index.column() == TARGET:
            self.set_target(index.row(), value or None)
            return True
        if index.column() == TYPE:
            self.set_type(index.row(), value or "")
            return True
        if index.column() == OVERWRITE:
            self.set_overwrite(index.row(), value or "always")
            return True
        return False
