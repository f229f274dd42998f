"""Review's "send this lead without the bad value": off by default, offered only for a row held
back by values of fields that are not the lead identifier (a rating of 7 need not hold back a
whole lead). Choosing it empties those cells for the send (an empty cell is left out of the
request, never clearing telecrm's value), keeps what was left out in `session.dropped_values`,
and the run's results say, for each such row, which field went without its value."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from telecrm_desktop.gui.models.cell_text import cell_text


def dropped_values(session) -> dict[int, dict[str, str]]:
    """Row number -> column -> the value left out by the person's choice."""
    if not hasattr(session, "dropped_values"):
        session.dropped_values = {}
    return session.dropped_values


def dropped_notes(session, row_number: int) -> list[str]:
    """Sentences for a row's results: 'sent without "Rating" ("7" left out, as chosen in Review)'."""
    return [f"sent without “{column}” (“{value}” left out, as chosen in Review)"
            for column, value in dropped_values(session).get(row_number, {}).items()]


def identifier_columns(session) -> set[str]:
    mapping = session.mapping
    if mapping is None:
        return set()
    field = mapping.identifier_field(session.schema)
    return {column for column, targets in mapping.columns.items()
            if any(t.is_field and t.field_name == field for t in targets or ())}


class SendWithoutBox(QCheckBox):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self._row: tuple[int, dict[str, str]] | None = None  # row number, column -> bad value
        self.setStyleSheet("QCheckBox { color: #8a5a00; font-weight: bold; }")
        self.setToolTip("Off unless you tick it. The rest of the lead is sent; the value named is not, "
                        "and the results say so.")
        self.toggled.connect(self._toggled)
        self.hide()

    def offer_for(self, row, check) -> None:
        """Shows the choice for a row held back by non-identifier values, or one already chosen."""
        session = self.screen.session
        number = row.number
        chosen = dropped_values(session).get(number)
        bad: dict[str, str] = {}
        if not chosen and check is not None and check.status == "invalid":
            ids = identifier_columns(session)
            for header, problems in check.cells.items():
                for p in problems:
                    if p.severity != "error":
                        continue
                    if header is None or header in ids:
                        self._show(None)
                        return
                    column = self.screen.model.column_index(header) - 1
                    bad[header] = cell_text(self.screen.model.value_of(row, column))
        columns = chosen or bad
        self._show((number, dict(columns)) if columns else None, checked=bool(chosen))

    def _show(self, row, checked: bool = False) -> None:
        self._row = row
        self.blockSignals(True)
        self.setChecked(checked)
        self.blockSignals(False)
        if row is None:
            self.hide()
            return
        names = ", ".join(f"“{c}”" for c in row[1])
        self.setText(f"Send this lead without its bad value{'s' if len(row[1]) > 1 else ''} of {names}"
                     if not checked else f"Sent without {names} (chosen here; untick to hold the lead back)")
        self.show()

    def _toggled(self, on: bool) -> None:
        if self._row is None:
            return
        number, columns = self._row
        screen = self.screen
        session = screen.session
        dropped = dropped_values(session)
        edits = session.edits.setdefault(number, {})
        if on:
            dropped[number] = dict(columns)
            for column in columns:
                edits[column] = ""  # empty: left out of the request
        else:
            dropped.pop(number, None)
            for column in columns:
                edits.pop(column, None)
            if not edits:
                session.edits.pop(number, None)
        self._show((number, columns), checked=on)
        session.check = None
        screen.model.layoutChanged.emit()
        screen.start_check()
        screen.footer_changed.emit()
