"""What the app learnt about the workspace, to look at: its fields (label, API name, type, options),
its actions, the statuses and lost reasons of its pipeline, and its team."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTabWidget, QTableView, QVBoxLayout


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows."""

    def __init__(self, headers: list[str], rows: list[tuple[str, ...]], parent=None):
        super().__init__(parent)
        self.headers, self.rows = headers, rows

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        return None


def field_rows(schema) -> list[tuple[str, ...]]:
    rows = []
    for api_name, field in sorted(schema.fields.items(), key=lambda item: (item[1].display_name or item[0]).lower()):
        note = "lead identifier" if api_name == schema.identifier_field else ""
        rows.append((field.display_name or "", api_name, field.type, ", ".join(field.options), note))
    return rows


def action_rows(schema) -> list[tuple[str, ...]]:
    rows = []
    for code, action in sorted(schema.actions.items()):
        keys = ", ".join(f"{(f.display_name or k)} ({k}, {f.type})" for k, f in sorted(action.fields.items()))
        rows.append((action.display_name or "", code, keys, "yes" if action.allows_backdating else "no"))
    return rows


def pipeline_rows(schema) -> list[tuple[str, ...]]:
    return ([("Status", s, "active") for s in schema.active_statuses]
            + [("Status", s, "archived: not accepted") for s in schema.archived_statuses]
            + [("Lost reason", r, "active") for r in schema.lost_reasons]
            + [("Lost reason", r, "archived: not accepted") for r in schema.archived_lost_reasons])


def team_rows(schema) -> list[tuple[str, ...]]:
    return ([(e, "active: can be assigned") for e in schema.active_members]
            + [(e, "inactive: cannot be assigned") for e in schema.inactive_members])


class SchemaDialog(QDialog):
    def __init__(self, schema, parent=None):
        super().__init__(parent)
        from telecrm_desktop.core.workspace.schema_io import schema_age_text

        name = schema.workspace_name or schema.enterprise_id or "the workspace"
        self.setWindowTitle(f"What telecrm told about {name}")
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Workspace {name}: leads are matched on “{schema.identifier_field}”; "
                                f"{schema_age_text(schema)}."))
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableView] = {}
        for title, headers, rows in (
            (f"Fields ({len(schema.fields)})", ["Label", "API name", "Type", "Options", ""], field_rows(schema)),
            (f"Actions ({len(schema.actions)})", ["Label", "Code", "Fields", "Backdating"], action_rows(schema)),
            ("Statuses and lost reasons", ["Kind", "Label", "State"], pipeline_rows(schema)),
            (f"Team ({len(schema.active_members)} active)", ["E-mail", "State"], team_rows(schema)),
        ):
            view = QTableView()
            view.setModel(RowsModel(headers, rows, view))
            view.setAccessibleName(title)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setStretchLastSection(True)
            self.tabs.addTab(view, title)
            self.tables[title.split(" (")[0]] = view
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
