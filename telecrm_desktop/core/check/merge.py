"""Ready rows whose identifiers normalise to the same key become one lead (mapping-format.md).

Later non-empty values win; actions are concatenated in row order; invalid rows take no part.

Memory: `mode="memory"` keeps every lead as dicts (one lead's rows merged again for the app's
request view; `build_leads`, the tests' in-memory reference). A whole-sheet check (the command
line's and the app's, core.check.sheet_check) keeps each lead as its payload line, JSON text
written as the rows come (`mode="bounded"`: the file is then written without further work after
the last row), and once there are more than `spool_after` leads moves their bodies to a temporary
SQLite file, so a million-row sheet is checked in bounded memory.
`mode="count"` keeps only the keys, for a check that writes no payloads.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from typing import Any, Callable, Iterator

from telecrm_desktop.core.check.json_text import dumps as _dumps
from telecrm_desktop.core.check.pipeline import CheckResult, Lead, RowPlan, RowResult, check_rows
from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.sources.table import Table
from telecrm_desktop.core.template.mapping import Mapping
from telecrm_desktop.core.workspace.schema import Schema

_loads = json.loads
SPOOL_AFTER = 200_000


class LeadMerger:
    def __init__(self, *, mode: str = "memory", spool_after: int = SPOOL_AFTER,
                 spool_dir: str | None = None) -> None:
        if mode not in ("memory", "bounded", "count"):
            raise ValueError(f"unknown merge mode {mode!r}")
        self.mode = mode
        self.spool_after = spool_after
        self.spool_dir = spool_dir
        self.rows_added = 0
        self._leads: dict[str, Any] = {}  # key -> [rows, identifier, fields, actions] or (rows, identifier, body)
        self._counts: dict[str, int] = {}
        self._db: sqlite3.Connection | None = None
        self._db_path: str | None = None
        self._spooled = 0

    # ---------------------------------------------------------------- adding

    def add(self, result: RowResult) -> None:
        key = result.key
        if key is None:  # invalid rows are held back on their own
            return
        self.rows_added += 1
        if self.mode == "count":
            self._counts[key] = self._counts.get(key, 0) + 1
            return
        if self.mode == "memory":
            lead = self._leads.get(key)
            if lead is None:
                # the row's own dicts, never changed: a merge makes new ones
                self._leads[key] = [[result.row], result.identifier, result.fields, result.actions]
            else:
                lead[0].append(result.row)
                lead[1] = result.identifier
                lead[2] = {**lead[2], **result.fields}
                lead[3] = lead[3] + result.actions
            return
        self.add_text(key, result.row, result.identifier, _dumps(result.body()), counted=True)

    def add_text(self, key: str, row: int, identifier: str, body: str, *, counted: bool = False) -> int | None:
        """A ready row whose request body is already JSON text: bounded or count mode.

        Returns the first row of the lead this row joined (None when it starts a lead; count mode: None)."""
        if not counted:
            self.rows_added += 1
            if self.mode == "count":
                self._counts[key] = self._counts.get(key, 0) + 1
                return None
        if self._db is not None:
            return self._add_spooled(key, row, identifier, body)
        lead = self._leads.get(key)
        if lead is None:
            self._leads[key] = (row, identifier, _payload_line(str(row), identifier, body))
            if len(self._leads) > self.spool_after:
                self._spool()
            return None
        rows, identifier, body = _merged_text((lead[0], lead[1], _body_of(lead[2])), row, identifier, body)
        self._leads[key] = (rows, identifier, _payload_line(_rows_text(rows), identifier, body))
        return rows[0]

    def _spool(self) -> None:
        fd, self._db_path = tempfile.mkstemp(prefix="telecrm-leads-", suffix=".sqlite", dir=self.spool_dir)
        os.close(fd)
        # read later by another thread than the one that checked (the app's send), never by two at once
        db = sqlite3.connect(self._db_path, isolation_level=None, check_same_thread=False)
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
            "CREATE TABLE lead (key TEXT PRIMARY KEY, rows TEXT, identifier TEXT, body TEXT);"
            "BEGIN;"
        )
        db.executemany("INSERT INTO lead VALUES (?, ?, ?, ?)",
                       ((k, _rows_text(v[0]), v[1], _body_of(v[2])) for k, v in self._leads.items()))
        self._spooled = len(self._leads)
        self._leads = {}
        self._db = db

    def _add_spooled(self, key: str, row: int, identifier: str, body: str) -> int | None:
        db = self._db
        assert db is not None
        cursor = db.execute("INSERT OR IGNORE INTO lead VALUES (?, ?, ?, ?)", (key, str(row), identifier, body))
        if cursor.rowcount:
            self._spooled += 1
            return None
        lead = db.execute("SELECT rows, identifier, body FROM lead WHERE key = ?", (key,)).fetchone()
        rows, identifier, body = _merged_text(lead, row, identifier, body)
        db.execute("UPDATE lead SET rows = ?, identifier = ?, body = ? WHERE key = ?",
                   (_rows_text(rows), identifier, body, key))
        return rows[0]

    # ---------------------------------------------------------------- reading

    @property
    def lead_count(self) -> int:
        if self.mode == "count":
            return len(self._counts)
        return self._spooled if self._db is not None else len(self._leads)

    @property
    def merged_rows(self) -> int:
        """Rows that joined a lead started by an earlier row."""
        return self.rows_added - self.lead_count

    def identifier_of(self, key: str) -> str | None:
        """The identifier of the lead with this merge key, as its request sends it."""
        if self.mode == "count":
            raise ValueError("a merger in count mode keeps no leads")
        if self._db is None:
            lead = self._leads.get(key)
            return lead[1] if lead is not None else None
        found = self._db.execute("SELECT identifier FROM lead WHERE key = ?", (key,)).fetchone()
        return found[0] if found else None

    def leads(self) -> Iterator[Lead]:
        """Every lead in the order of its first row."""
        if self.mode == "count":
            raise ValueError("a merger in count mode keeps no leads")
        if self.mode == "memory":
            for rows, identifier, fields, actions in self._leads.values():
                body: dict[str, Any] = {"fields": fields}
                if actions:
                    body["actions"] = actions
                yield Lead(identifier, tuple(rows), body)
            return
        for rows, identifier, body in self._stored():
            yield Lead(identifier, tuple(_rows_list(rows)), _loads(body))


    def payload_lines(self) -> Iterator[str]:
        """`{"rows":[3,9],"identifier":"919876543210","body":{...}}` per lead (compact, as
        core.check.json_text writes), no newline."""
        if self.mode == "memory":
            for lead in self.leads():
                yield _dumps({"rows": list(lead.rows), "identifier": lead.identifier, "body": lead.body})
            return
        if self.mode == "count":
            raise ValueError("a merger in count mode keeps no leads")
        if self._db is None:
            for lead in self._leads.values():
                yield lead[2]
            return
        for rows, identifier, body in self._stored():
            yield _payload_line(_rows_text(rows), identifier, body)

    def _stored(self) -> Iterator[tuple]:
        """(rows, identifier, body JSON) of every lead, in the order of its first row."""
        if self._db is None:
            for rows, identifier, line in self._leads.values():
                yield rows, identifier, _body_of(line)
            return
        yield from self._db.execute("SELECT rows, identifier, body FROM lead ORDER BY rowid")

    # ---------------------------------------------------------------- cleaning up

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._db_path is not None:
            try:
                os.unlink(self._db_path)
            except OSError:
                pass
            self._db_path = None

    def __enter__(self) -> "LeadMerger":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _payload_line(rows_text: str, identifier: str, body: str) -> str:
    """A lead's line of the payloads file; `rows_text` is "3" or "3,9"."""
    return f'{{"rows":[{rows_text}],"identifier":{_dumps(identifier)},"body":{body}}}'


def _body_of(line: str) -> str:
    # the first ',"body":' is the key: the identifier before it is a JSON string, its quotes escaped
    return line[line.index(',"body":') + 8:-1]


def _rows_text(rows: int | str | list[int]) -> str:
    if isinstance(rows, list):
        return ",".join(map(str, rows))
    return str(rows)


def _rows_list(rows: int | str | list[int]) -> list[int]:
    if isinstance(rows, int):
        return [rows]
    if isinstance(rows, list):
        return rows
    return [int(n) for n in rows.split(",")]


def _merged_text(lead, row: int, identifier: str, body: str) -> tuple:  # noqa: ANN001
    """A lead kept as JSON text with one more row merged in: later values win, actions add up."""
    merged, later = _loads(lead[2]), _loads(body)
    merged["fields"].update(later["fields"])
    if later.get("actions"):
        merged["actions"] = merged.get("actions", []) + later["actions"]
    return (_rows_list(lead[0]) + [row], identifier, _dumps(merged))


def build_leads(table: Table, mapping: Mapping, schema: Schema | None = None, *,
                on_progress: Callable[..., None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> CheckResult:
    """Every row checked and the ready ones merged into leads, all kept in memory."""
    plan = RowPlan(table.headers, mapping, None, schema)
    rows: list[RowResult] = []
    warnings_of: dict[int, tuple[Finding, ...]] = {}
    with LeadMerger(mode="memory") as merger:
        for result in check_rows(table, plan, on_progress=on_progress, should_stop=should_stop):
            rows.append(result)
            merger.add(result)
            if result.warnings:
                warnings_of[result.row] = result.warnings
        stopped = bool(should_stop and should_stop())
        leads = []
        for lead in merger.leads():
            if warnings_of:
                lead.warnings = tuple(w for n in lead.rows for w in warnings_of.get(n, ()))
            leads.append(lead)
    return CheckResult(rows, leads, plan.missing_columns, stopped)

