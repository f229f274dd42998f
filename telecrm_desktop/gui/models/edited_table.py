"""The sheet as the user left it on the review screen: corrections applied, left-out rows named.

A core Table whose rows come from memory, so the core validates and builds requests from exactly
what the user sees; the file on disk is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from telecrm_desktop.core.sources.table import DataRow, Table
from telecrm_desktop.gui.bridge.gil import taking_turns


def corrected_row(row: DataRow, headers: list[str], edits: dict[str, Any] | None) -> DataRow:
    if not edits:
        return row
    values = tuple(edits.get(h, v) if h in edits else v for h, v in zip(headers, row.values))
    return DataRow(row.number, values)


@dataclass
class EditedTable(Table):
    loaded_rows: Any = field(default_factory=list)  # the sheet's RowStore (or a list of DataRow)
    edits: dict[int, dict[str, Any]] = field(default_factory=dict)
    excluded: set[int] = field(default_factory=set)

    def rows(self) -> Iterator[DataRow]:
        """Every row, left-out ones too (the check reads their identifier and name for the results
        and keeps them out of the leads: see `excluded`)."""
        # checked in a worker thread beside the GUI's: it takes turns on the interpreter lock
        edits, headers = self.edits, self.headers
        for row in taking_turns(self.loaded_rows):
            yield corrected_row(row, headers, edits.get(row.number))

    @classmethod
    def from_session(cls, session) -> "EditedTable":
        sheet = session.sheet
        table = sheet.table
        return cls(
            source=table.source, header_row=table.header_row, headers=list(table.headers),
            raw_headers=list(table.raw_headers), loaded_rows=sheet.rows,
            # the left-out rows are not copied (a million take 45 ms of the GUI thread): a change
            # to them while the check runs starts another check, which replaces this one
            edits={k: dict(v) for k, v in session.edits.items()}, excluded=session.excluded,
        )
