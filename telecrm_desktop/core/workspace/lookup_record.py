"""What a run's lookup found, kept beside the journal's leads (same SQLite file), so a resumed run
never looks a lead up again and the report can say which leads existed and what changed.

A lead looked up has a row: `found` 0 (not in telecrm) or 1 with telecrm's fields as JSON. Rows
are written one transaction per lookup request, so a kill loses at most the request on its way.
`check` keeps its record in memory: it records nothing between commands.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Iterable, Iterator

TABLE = """
CREATE TABLE IF NOT EXISTS lead_lookups (
    run_id INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    found INTEGER NOT NULL,                  -- 1: the lead is in telecrm
    stored TEXT,                             -- telecrm's fields (JSON) when found
    changes TEXT NOT NULL DEFAULT '',        -- "field: old -> new; ..." as decided for this run
    PRIMARY KEY (run_id, identifier)
) WITHOUT ROWID;
"""
_CHUNK = 500  # identifiers per IN (...) query


class LookupIncomplete(Exception):
    """A lead was to be decided before it was looked up (a bug in the caller, never a guess)."""


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class LookupRecord:
    """Over an open SQLite connection in autocommit mode (the journal's `db`, or one in memory)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(TABLE)

    @classmethod
    def in_memory(cls) -> "LookupRecord":
        return cls(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))

    def looked_up(self, run_id: int, identifiers: list[str]) -> set[str]:
        """Those of `identifiers` already looked up in this run."""
        done: set[str] = set()
        for chunk in _chunks(identifiers):
            marks = ",".join("?" * len(chunk))
            done.update(i for (i,) in self.db.execute(
                f"SELECT identifier FROM lead_lookups WHERE run_id=? AND identifier IN ({marks})", (run_id, *chunk)))
            time.sleep(0)  # another thread (the app's window) may take the interpreter lock here
        return done

    def record(self, run_id: int, results: dict[str, dict | None]) -> None:
        """One lookup request's answers: identifier -> telecrm's fields, or None when not there."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT OR REPLACE INTO lead_lookups (run_id, identifier, found, stored) VALUES (?, ?, ?, ?)",
                ((run_id, i, int(f is not None), json.dumps(f, ensure_ascii=False) if f is not None else None)
                 for i, f in results.items()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def stored_of(self, run_id: int):
        """A function: identifiers -> {identifier: fields or None}; every one must have been looked up."""

        def stored(identifiers: list[str]) -> dict[str, dict | None]:
            found: dict[str, dict | None] = {}
            for chunk in _chunks(list(identifiers)):
                marks = ",".join("?" * len(chunk))
                for identifier, is_found, text in self.db.execute(
                        f"SELECT identifier, found, stored FROM lead_lookups WHERE run_id=? AND identifier IN ({marks})",
                        (run_id, *chunk)):
                    found[identifier] = json.loads(text) if is_found and text else ({} if is_found else None)
            missing = [i for i in identifiers if i not in found]
            if missing:
                raise LookupIncomplete(f"{len(missing)} leads were not looked up (first: {missing[0]})")
            return found

        return stored

    def set_changes(self, run_id: int, changes: Iterable[tuple[str, str]]) -> None:
        """(identifier, changes text) as decided for this run."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("UPDATE lead_lookups SET changes=? WHERE run_id=? AND identifier=?",
                           ((text, run_id, i) for i, text in changes))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def count(self, run_id: int) -> int:
        (n,) = self.db.execute("SELECT COUNT(*) FROM lead_lookups WHERE run_id=?", (run_id,)).fetchone()
        return n

    def existing_among(self, run_id: int, identifiers: list[str]) -> dict[str, tuple[bool, str]]:
        """As existing_of, for these identifiers only (a page of a big run's outcomes)."""
        found: dict[str, tuple[bool, str]] = {}
        for chunk in _chunks(list(identifiers)):
            marks = ",".join("?" * len(chunk))
            found.update((i, (bool(f), c)) for i, f, c in self.db.execute(
                f"SELECT identifier, found, changes FROM lead_lookups WHERE run_id=? AND identifier IN ({marks})",
                (run_id, *chunk)))
        return found

    def existing_view(self, run_id: int) -> "ExistingView":
        """existing_of, read a chunk of identifiers at a time (a run of a million leads is never held)."""
        return ExistingView(self, run_id)

    def existing_of(self, run_id: int) -> dict[str, tuple[bool, str]]:
        """identifier -> (in telecrm before this run, changes text), for reports and result files."""
        return {i: (bool(f), c) for i, f, c in self.db.execute(
            "SELECT identifier, found, changes FROM lead_lookups WHERE run_id=?", (run_id,))}


class ExistingView:
    """A looked-up run's identifier -> (in telecrm before the run, changes text), asked for by chunk."""

    def __init__(self, record: LookupRecord, run_id: int):
        self.record, self.run_id = record, run_id

    def among(self, identifiers: list[str]) -> dict[str, tuple[bool, str]]:
        return self.record.existing_among(self.run_id, identifiers)
