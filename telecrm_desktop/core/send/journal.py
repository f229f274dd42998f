"""The journal: every send run and every lead's state, in SQLite (WAL), so nothing is lost on a crash.

Order of writes that makes a kill -9 at any instant safe:
- a lead is marked `sending` and that mark is committed *before* its request leaves;
- its answer is written after; until then a restart treats it as "no answer came" (`uncertain`
  when it carries actions, otherwise sent again: the upsert is idempotent);
- every dispatch is stored with its token's key and wall-clock time, so a restart paces on.
No token value is ever stored: a token is known here by its label and a short one-way fingerprint.

Over 400 lines: the tables and every query on them are kept together, so a change to a table is
made next to all of its readers and writers.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from telecrm_desktop.core import paths, storage
from telecrm_desktop.core.send import outcomes

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_fingerprint TEXT NOT NULL,
    template_fingerprint TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    state TEXT NOT NULL DEFAULT 'open',      -- open | finished | stopped
    stop_reason TEXT,
    counts TEXT NOT NULL DEFAULT '{}',       -- rows per status, JSON
    results_dir TEXT,
    landed TEXT,                             -- the post-import check's report, JSON (core.workspace.landed)
    source TEXT                              -- how the file was read and corrected, JSON (see RunSource)
);
CREATE INDEX IF NOT EXISTS runs_key ON runs (enterprise_id, file_fingerprint, template_fingerprint);
CREATE TABLE IF NOT EXISTS leads (
    run_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,                    -- order of sending
    identifier TEXT NOT NULL,
    rows TEXT NOT NULL,                      -- JSON list of spreadsheet rows merged into the lead
    body BLOB,                               -- the exact request body; dropped once queued
    body_hash TEXT NOT NULL,
    has_actions INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    token_label TEXT,
    updated_at REAL,
    PRIMARY KEY (run_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS leads_identifier ON leads (run_id, identifier);
-- no index on status or on dispatches: each would cost every per-request commit a third more
DROP INDEX IF EXISTS leads_status;
CREATE INDEX IF NOT EXISTS leads_body ON leads (body_hash);
CREATE TABLE IF NOT EXISTS row_results (
    run_id INTEGER NOT NULL,
    row INTEGER NOT NULL,
    identifier TEXT NOT NULL DEFAULT '',
    lead_seq INTEGER,                        -- NULL for an invalid row
    reason TEXT NOT NULL DEFAULT '',         -- why an invalid row was held back
    warnings TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '[]',     -- JSON [[column, message], ...] for highlighting
    left_out INTEGER NOT NULL DEFAULT 0,     -- 1: the person left the row out before sending
    name TEXT NOT NULL DEFAULT '',           -- the lead's name as sent, shown beside the identifier
    PRIMARY KEY (run_id, row)
);
CREATE TABLE IF NOT EXISTS queued_bodies (
    enterprise_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    queued_at REAL NOT NULL,
    PRIMARY KEY (enterprise_id, body_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dispatches (
    token_key TEXT NOT NULL,
    sent_at REAL NOT NULL,                   -- wall clock, seconds since the epoch
    sent_mono REAL                           -- time.monotonic(): immune to clock changes (see dispatch_ages)
);
DROP INDEX IF EXISTS dispatches_token;
"""

# unsent, or to be sent again when a run resumes
_RESUMABLE = (outcomes.PENDING, outcomes.SENDING, outcomes.FAILED, outcomes.UNCERTAIN)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class RunInfo:
    id: int
    enterprise_id: str
    file_path: str
    file_fingerprint: str
    template_fingerprint: str
    started_at: str
    ended_at: str | None
    state: str
    stop_reason: str | None
    counts: dict[str, int] = field(default_factory=dict)
    results_dir: str | None = None
    landed: dict | None = None  # LandedReport.to_dict() of the latest post-import check, if one ran
    source: dict | None = None  # how the file was read and corrected (sheet, header row, template, edits)


@dataclass(frozen=True)
class LeadToSend:
    seq: int
    identifier: str
    body: bytes
    body_hash: str
    has_actions: bool


@dataclass(frozen=True)
class NewLead:
    identifier: str
    rows: Sequence[int]
    body: bytes  # canonical JSON, exactly what is sent
    body_hash: str
    has_actions: bool
    status: str | None = None  # decided before sending (skipped, unchanged by a lookup): not sent
    reason: str = ""


@dataclass(frozen=True)
class RowRecord:
    row: int
    identifier: str = ""
    lead_identifier: str | None = None  # None: the row is invalid
    reason: str = ""
    warnings: str = ""
    problems: Sequence[tuple[str | None, str]] = ()
    left_out: bool = False  # never sent because the person left it out (lead_identifier is None)
    name: str = ""


@dataclass(frozen=True)
class RowOutcome:
    row: int
    identifier: str
    status: str
    reason: str
    warnings: str
    problems: list[tuple[str | None, str]]
    name: str = ""


def _run_from_row(r: sqlite3.Row) -> RunInfo:
    return RunInfo(
        id=r["id"], enterprise_id=r["enterprise_id"], file_path=r["file_path"],
        file_fingerprint=r["file_fingerprint"], template_fingerprint=r["template_fingerprint"],
        started_at=r["started_at"], ended_at=r["ended_at"], state=r["state"],
        stop_reason=r["stop_reason"], counts=json.loads(r["counts"] or "{}"), results_dir=r["results_dir"],
        landed=json.loads(r["landed"]) if r["landed"] else None,
        source=json.loads(r["source"]) if "source" in r.keys() and r["source"] else None,
    )


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Journals written by earlier versions lack later columns; ADD COLUMN keeps every row."""
    # columns added since the first journals: (table, column, declaration)
    for table, column, declaration in (
        ("runs", "landed", "TEXT"),
        ("runs", "source", "TEXT"),
        ("dispatches", "sent_mono", "REAL"),
        ("row_results", "left_out", "INTEGER NOT NULL DEFAULT 0"),
        ("row_results", "name", "TEXT NOT NULL DEFAULT ''"),
    ):
        have = {r["name"] for r in db.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            try:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            except sqlite3.OperationalError as exc:  # another process added it a moment ago
                if "duplicate column" not in str(exc):
                    raise


class Journal:
    """One SQLite connection; use it from one thread at a time (the engine opens its own)."""

    # the clocks dispatches are stamped and aged with (tests set a clock forward or back here)
    wall_clock = staticmethod(time.time)
    mono_clock = staticmethod(time.monotonic)

    def __init__(self, path: Path | str):
        self.path = Path(path)
        # a sentence when a damaged journal was set aside and this one started afresh (say it once)
        self.replaced: str | None = None
        # the disk-full / read-only error that stopped marking requests (the engine stops on it)
        self.storage_failure: storage.StorageProblem | None = None
        self._space_checked = 0.0
        self._free_seen: int | None = None  # free bytes at the last check
        try:
            paths.private_dir(self.path.parent)
        except OSError as exc:
            raise (storage.explain(exc, self.path.parent) or exc) from exc
        why = storage.damage(self.path)  # the header only: cheap, and confirmed by SQLite below
        try:
            self._open()
            if why is not None:  # a healthy journal mid-checkpoint can look short: ask SQLite first
                (result,) = self.db.execute("PRAGMA quick_check(1)").fetchone()
                why = None if result == "ok" else f"{why}: {result}"
            if why is None:
                return
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise
            why = why or f"SQLite says: {exc}"
        self.db.close()
        copy = storage.set_aside(self.path, dt.datetime.now().strftime("%Y%m%d-%H%M%S"))
        self.replaced = (f"the journal {self.path} was damaged ({why}); it was kept as {copy.name} beside it, "
                         "and a new journal was started (runs sent before are listed in that copy only)")
        self._open()

    def _open(self) -> None:
        paths.private_file(self.path)  # before SQLite makes it: its -wal and -shm then get 0600 too
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False,
                                      factory=storage.GuardedConnection)
        except sqlite3.OperationalError as exc:  # "unable to open": a folder that cannot be written
            raise (storage.explain(exc, self.path.parent) or exc) from exc
        self.db.folder = self.path.parent
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL: a commit survives a killed process (it is in the OS cache), and costs no fsync
        self.db.execute("PRAGMA synchronous=NORMAL")
        # checkpoints (which fsync) every ~40 MB of log instead of ~4 MB: one commit per request is the
        # price of crash safety, and at hundreds of requests a second the checkpoints were most of it
        self.db.execute("PRAGMA wal_autocheckpoint=10000")
        self.db.executescript(SCHEMA)
        _add_missing_columns(self.db)

    def _rollback(self) -> None:
        """After a failed write: SQLite rolls back by itself on a full disk, so only if still open."""
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _check_space(self, now: float) -> None:
        """Refuse new `sending` marks once the disk is nearly full (see core.storage). Checked about
        4x a second, and before every mark once the disk is within four reserves of full: a fast
        send wrote a whole reserve of journal between two quarter-second checks, and the answers
        of the requests then on their way found no room."""
        reserve = storage.reserve_bytes()
        near_full = self._free_seen is not None and self._free_seen < 4 * reserve
        if not near_full and now - self._space_checked < 0.25:
            return
        self._space_checked = now
        free = self._free_seen = storage.free_bytes(self.path.parent)
        if free is None or free >= reserve:
            return
        # the write-ahead log holds many copies of the same few pages: fold it into the journal and
        # give its space back before deciding that the disk is full
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (sqlite3.Error, storage.StorageProblem):
            pass
        free = self._free_seen = storage.free_bytes(self.path.parent)
        if free is not None and free < reserve:
            raise storage.StorageProblem(storage.full_sentence(self.path.parent, 2 * reserve - free))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- runs -----------------------------------------------------------------------------------

    def find_resumable_run(self, enterprise_id: str, file_fingerprint: str, template_fingerprint: str) -> RunInfo | None:
        """The latest run of the same file, template and workspace that still has leads to send."""
        row = self.db.execute(
            "SELECT * FROM runs WHERE enterprise_id=? AND file_fingerprint=? AND template_fingerprint=? "
            "ORDER BY id DESC LIMIT 1",
            (enterprise_id, file_fingerprint, template_fingerprint),
        ).fetchone()
        if row is None:
            return None
        if row["state"] == "open":  # never finished: it was killed while preparing or sending
            return _run_from_row(row)
        left = self.db.execute(
            f"SELECT 1 FROM leads WHERE run_id=? AND status IN ({','.join('?' * len(_RESUMABLE))}) LIMIT 1",
            (row["id"], *_RESUMABLE),
        ).fetchone()
        return _run_from_row(row) if left else None

    def start_run(self, enterprise_id: str, file_path: str, file_fingerprint: str, template_fingerprint: str) -> RunInfo:
        cur = self.db.execute(
            "INSERT INTO runs (enterprise_id, file_path, file_fingerprint, template_fingerprint, started_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (enterprise_id, file_path, file_fingerprint, template_fingerprint, _now_iso()),
        )
        return self.run(cur.lastrowid)

    def reopen_run(self, run_id: int) -> None:
        self.db.execute("UPDATE runs SET state='open', ended_at=NULL, stop_reason=NULL WHERE id=?", (run_id,))

    def run(self, run_id: int) -> RunInfo:
        row = self.db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no send run {run_id} in the journal")
        return _run_from_row(row)

    def runs(self, enterprise_id: str | None = None) -> list[RunInfo]:
        if enterprise_id:
            rows = self.db.execute("SELECT * FROM runs WHERE enterprise_id=? ORDER BY id", (enterprise_id,))
        else:
            rows = self.db.execute("SELECT * FROM runs ORDER BY id")
        return [_run_from_row(r) for r in rows]

    def end_run(self, run_id: int, state: str, stop_reason: str | None = None, results_dir: str | None = None) -> RunInfo:
        counts = self.row_counts(run_id)
        self.db.execute(
            "UPDATE runs SET state=?, stop_reason=?, ended_at=?, counts=?, results_dir=COALESCE(?, results_dir) WHERE id=?",
            (state, stop_reason, _now_iso(), json.dumps(counts, sort_keys=True), results_dir, run_id),
        )
        return self.run(run_id)

    def set_source(self, run_id: int, source: dict) -> None:
        """Keep how the run's file was read and corrected, so the run can be finished with nothing open."""
        self.db.execute("UPDATE runs SET source=? WHERE id=?", (json.dumps(source, default=str, sort_keys=True), run_id))

    def unfinished_runs(self, enterprise_id: str | None = None) -> list[tuple[RunInfo, int]]:
        """Runs that still hold leads never sent (pending, or on their way when the program stopped),
        newest first, each with that number: what a crash, a kill or a cancel left behind."""
        unsent = (outcomes.PENDING, outcomes.SENDING)
        found = []
        for run in reversed(self.runs(enterprise_id)):
            if run.state == "finished" and not run.counts.get(outcomes.PENDING):
                continue
            (n,) = self.db.execute(
                "SELECT COUNT(*) FROM leads WHERE run_id=? AND status IN (?, ?) AND body IS NOT NULL",
                (run.id, *unsent)).fetchone()
            if n:
                found.append((run, n))
        return found

    def set_landed(self, run_id: int, report: dict) -> None:
        """Keep the post-import check's report (LandedReport.to_dict()) with the run."""
        self.db.execute("UPDATE runs SET landed=? WHERE id=?", (json.dumps(report, default=str), run_id))

    # -- preparing a run ------------------------------------------------------------------------

    def add_leads(self, run_id: int, enterprise_id: str, leads: Iterable[NewLead], *, send_all: bool = False) -> None:
        """Store a run's leads in sending order. Leads already in the run (a resume) keep their state;
        a new lead whose exact body was queued for this workspace before is `unchanged` unless `send_all`."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            (seq,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM leads WHERE run_id=?", (run_id,)).fetchone()
            known = {i for (i,) in db.execute("SELECT identifier FROM leads WHERE run_id=?", (run_id,))}
            for chunk in _chunks(leads, 500):
                fresh = [l for l in chunk if l.identifier not in known]
                if not fresh:
                    continue
                hashes = list({l.body_hash for l in fresh})
                marks = ",".join("?" * len(hashes))
                queued = set() if send_all else {h for (h,) in db.execute(
                    f"SELECT body_hash FROM queued_bodies WHERE enterprise_id=? AND body_hash IN ({marks})",
                    (enterprise_id, *hashes))}
                # an earlier run (maybe of another version of the file) may have delivered these very requests
                unanswered = {h for (h,) in db.execute(
                    f"SELECT l.body_hash FROM leads l CROSS JOIN runs r ON r.id=l.run_id WHERE l.body_hash IN ({marks}) "
                    "AND r.enterprise_id=? AND l.status IN (?, ?)",
                    (*hashes, enterprise_id, outcomes.SENDING, outcomes.UNCERTAIN))}
                rows = []
                now = time.time()
                for lead in fresh:
                    known.add(lead.identifier)
                    status, body, reason = outcomes.PENDING, lead.body, ""
                    if lead.status is not None and lead.status != outcomes.PENDING:
                        status, body, reason = lead.status, None, lead.reason
                    elif lead.body_hash in queued:
                        status, body = outcomes.UNCHANGED, None
                        reason = "the same request was queued for this workspace before"
                    elif lead.has_actions and lead.body_hash in unanswered:
                        status = outcomes.UNCERTAIN
                        reason = "an earlier run sent this same request and got no answer; it is sent again only when asked"
                    seq += 1
                    rows.append((run_id, seq, lead.identifier, "[" + ",".join(map(str, lead.rows)) + "]", body, lead.body_hash,
                                 int(lead.has_actions), status, reason, now))
                db.executemany(
                    "INSERT INTO leads (run_id, seq, identifier, rows, body, body_hash, has_actions, status, reason, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def add_rows(self, run_id: int, rows: Iterable[RowRecord]) -> None:
        """Store every source row's place in the run (its lead, or why it was held back)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            # each row's lead found through the (run_id, identifier) index: a dict of every lead of
            # a million-lead run took 173 MB while it was built (measured; the index: nothing)
            db.executemany(
                "INSERT OR REPLACE INTO row_results (run_id, row, identifier, lead_seq, reason, warnings, problems, "
                "left_out, name) VALUES (?, ?, ?, (SELECT seq FROM leads WHERE run_id=? AND identifier=?), "
                "?, ?, ?, ?, ?)",
                (
                    (run_id, r.row, r.identifier, run_id, r.lead_identifier,
                     r.reason, r.warnings, json.dumps([list(p) for p in r.problems]), int(r.left_out), r.name)
                    for r in rows
                ),
            )
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    # -- sending --------------------------------------------------------------------------------

    def recover_interrupted(self, run_id: int) -> int:
        """Leads left `sending` by a killed process: no answer came. Returns how many became uncertain."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            uncertain = db.execute(
            "UPDATE leads SET status=?, reason=? WHERE run_id=? AND status=? AND has_actions=1",
                (outcomes.UNCERTAIN, "the program stopped while the request was on its way; no answer came",
                 run_id, outcomes.SENDING),
            ).rowcount
            db.execute("UPDATE leads SET status=? WHERE run_id=? AND status=?", (outcomes.PENDING, run_id, outcomes.SENDING))
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return uncertain

    def leads_to_send(self, run_id: int, *, resend_uncertain: bool = False, batch: int = 2000) -> Iterator[LeadToSend]:
        """Leads that still need a request, in order, read in batches (the table may hold a million)."""
        statuses = [outcomes.PENDING, outcomes.FAILED] + ([outcomes.UNCERTAIN] if resend_uncertain else [])
        marks = ",".join("?" * len(statuses))
        last = 0
        while True:
            rows = self.db.execute(
                f"SELECT seq, identifier, body, body_hash, has_actions FROM leads WHERE run_id=? AND seq>? "
                f"AND status IN ({marks}) AND body IS NOT NULL ORDER BY seq LIMIT ?",
                (run_id, last, *statuses, batch),
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield LeadToSend(r["seq"], r["identifier"], bytes(r["body"]), r["body_hash"], bool(r["has_actions"]))
            last = rows[-1]["seq"]

    def count_to_send(self, run_id: int, *, resend_uncertain: bool = False) -> int:
        statuses = [outcomes.PENDING, outcomes.FAILED] + ([outcomes.UNCERTAIN] if resend_uncertain else [])
        (n,) = self.db.execute(
            f"SELECT COUNT(*) FROM leads WHERE run_id=? AND status IN ({','.join('?' * len(statuses))}) AND body IS NOT NULL",
            (run_id, *statuses),
        ).fetchone()
        return n

    def write_batch(
        self,
        run_id: int,
        enterprise_id: str,
        sending: Sequence[tuple[int, str, str, float]] = (),
        finished: Sequence[tuple[int, str, str, str | None]] = (),
    ) -> None:
        """One transaction: answers that came in, then `sending` marks for requests about to leave.

        sending: (seq, token_label, token_key, wall-clock time); finished: (seq, status, reason, body_hash).
        Call it and let it return before any of the `sending` requests is dispatched.
        """
        if not sending and not finished:
            return
        db = self.db
        now = time.time()
        try:
            if sending:
                self._check_space(time.monotonic())
            db.execute("BEGIN IMMEDIATE")
        except storage.StorageProblem as exc:
            self.storage_failure = exc
            raise
        try:
            queued = [f for f in finished if f[1] == outcomes.QUEUED]
            others = [f for f in finished if f[1] != outcomes.QUEUED]
            db.executemany(
                "UPDATE leads SET status=?, reason=?, body=NULL, updated_at=? WHERE run_id=? AND seq=?",
                ((status, reason, now, run_id, seq) for seq, status, reason, _h in queued),
            )
            db.executemany(
                "INSERT OR REPLACE INTO queued_bodies (enterprise_id, body_hash, queued_at) VALUES (?, ?, ?)",
                ((enterprise_id, body_hash, now) for _s, _st, _r, body_hash in queued),
            )
            db.executemany(
                "UPDATE leads SET status=?, reason=?, updated_at=? WHERE run_id=? AND seq=?",
                ((status, reason, now, run_id, seq) for seq, status, reason, _h in others),
            )
            db.executemany(
                "UPDATE leads SET status=?, attempts=attempts+1, token_label=?, updated_at=? WHERE run_id=? AND seq=?",
                ((outcomes.SENDING, label, at, run_id, seq) for seq, label, _key, at in sending),
            )
            mono = self.mono_clock()
            db.executemany("INSERT INTO dispatches (token_key, sent_at, sent_mono) VALUES (?, ?, ?)",
                           ((k, at, mono) for _s, _l, k, at in sending))
            db.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, storage.StorageProblem):
                self.storage_failure = exc
            raise

    def dispatches_since(self, token_key: str, since: float) -> list[float]:
        """Wall-clock times of this token's sends after `since` (for pacing on after a restart)."""
        return [t for (t,) in self.db.execute(
            "SELECT sent_at FROM dispatches WHERE token_key=? AND sent_at>? ORDER BY sent_at", (token_key, since)
        )]

    def forget_dispatches_before(self, before: float) -> None:
        self.db.execute("DELETE FROM dispatches WHERE sent_at<?", (before,))

    def _ages_sql(self) -> tuple[str, tuple[float, float]]:
        """How long ago each dispatch left, safe against a clock set back or forward.

        The monotonic clock (shared by every process since the computer started) gives a true age
        when the send was made since this start; after a restart it only under-states the age
        (uptime now <= time since the send), which errs on the side of waiting. A monotonic stamp
        ahead of the clock now can only come from before a restart: then the wall clock's age is
        used, and a send dated in the future (a clock set back) counts as made just now.
        """
        wall, mono = self.wall_clock(), self.mono_clock()
        return ("CASE WHEN sent_mono IS NOT NULL AND sent_mono <= :mono THEN :mono - sent_mono "
                "ELSE MAX(0.0, :wall - sent_at) END", {"wall": wall, "mono": mono})

    def dispatch_ages(self, token_key: str, within: float) -> list[float]:
        """Ages (seconds, >= 0) of this token's sends younger than `within`, oldest first."""
        age, params = self._ages_sql()
        return [a for (a,) in self.db.execute(
            f"SELECT {age} AS age FROM dispatches WHERE token_key=:key AND {age} < :within ORDER BY age DESC",
            {**params, "key": token_key, "within": within})]

    def forget_dispatches_older_than(self, seconds: float) -> None:
        age, params = self._ages_sql()
        self.db.execute(f"DELETE FROM dispatches WHERE {age} > :keep", {**params, "keep": seconds})

    def set_pending(self, run_id: int, reason: str) -> None:
        """The run stopped: whatever was not answered stays `pending` (sent on the next run)."""
        self.db.execute(
            "UPDATE leads SET reason=? WHERE run_id=? AND status=?", (reason, run_id, outcomes.PENDING)
        )

    # -- results --------------------------------------------------------------------------------

    def lead_counts(self, run_id: int) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, COUNT(*) FROM leads WHERE run_id=? GROUP BY status", (run_id,)).fetchall())

    def merges(self, run_id: int, shown: int = 3) -> tuple[int, int, list[list[int]], int]:
        """How rows became leads: (rows in leads, leads, the first `shown` groups of rows merged
        into one lead, how many such groups in all)."""
        (leads, rows_in_leads) = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(rows) - LENGTH(REPLACE(rows, ',', '')) + 1), 0) "
            "FROM leads WHERE run_id=?", (run_id,)).fetchone()
        groups = [json.loads(r) for (r,) in self.db.execute(
            "SELECT rows FROM leads WHERE run_id=? AND rows LIKE '%,%' ORDER BY seq LIMIT ?", (run_id, shown))]
        (merged,) = self.db.execute("SELECT COUNT(*) FROM leads WHERE run_id=? AND rows LIKE '%,%'",
                                    (run_id,)).fetchone() if groups else (0,)
        return rows_in_leads, leads, groups, merged

    def queued_identifiers(self, run_id: int) -> Iterator[str]:
        """The identifiers of the run's queued leads, in sending order (streamed)."""
        cursor = self.db.execute("SELECT identifier FROM leads WHERE run_id=? AND status=? ORDER BY seq",
                                 (run_id, outcomes.QUEUED))
        for (identifier,) in cursor:
            yield identifier

    def row_counts(self, run_id: int) -> dict[str, int]:
        counts = dict(self.db.execute(
            "SELECT CASE WHEN r.left_out THEN ? ELSE COALESCE(l.status, ?) END, COUNT(*) FROM row_results r "
            "LEFT JOIN leads l ON l.run_id=r.run_id AND l.seq=r.lead_seq WHERE r.run_id=? GROUP BY 1",
            (outcomes.LEFT_OUT, outcomes.INVALID, run_id),
        ).fetchall())
        if outcomes.SENDING in counts:  # only while a run is under way
            counts[outcomes.PENDING] = counts.get(outcomes.PENDING, 0) + counts.pop(outcomes.SENDING)
        return counts

    def row_outcomes(self, run_id: int) -> Iterator[RowOutcome]:
        """Every source row of the run, in row order, with its lead's status and reason (streamed)."""
        cursor = self.db.execute(f"{_OUTCOME_SELECT} WHERE r.run_id=? ORDER BY r.row", (run_id,))
        for r in cursor:
            yield _outcome_from_row(r)

    def row_count(self, run_id: int, status: str | None = None) -> int:
        """How many source rows the run holds (with that outcome, when `status` is given)."""
        if status is None:
            (n,) = self.db.execute("SELECT COUNT(*) FROM row_results WHERE run_id=?", (run_id,)).fetchone()
            return n
        return self.row_counts(run_id).get(status, 0)

    def row_outcome_page(self, run_id: int, from_row: int, size: int, status: str | None = None) -> list[RowOutcome]:
        """Up to `size` outcomes in row order from spreadsheet row `from_row` on (only those with the
        outcome `status`, when given). A seek on the (run, row) key: as fast at the last row as at the first."""
        where, params = "r.run_id=? AND r.row>=?", [run_id, from_row]
        if status is not None:
            where += f" AND {_STATUS_SQL}=?"
            params += [*_STATUS_PARAMS, status]
        return [_outcome_from_row(r) for r in self.db.execute(
            f"{_OUTCOME_SELECT} WHERE {where} ORDER BY r.row LIMIT ?", (*params, size))]

    def row_outcomes_before(self, run_id: int, before_row: int | None, size: int,
                            status: str | None = None) -> list[RowOutcome]:
        """The last `size` outcomes before spreadsheet row `before_row` (the run's last ones when None),
        in row order: the end of a run, or of a filter, without knowing where its pages start."""
        where, params = "r.run_id=?", [run_id]
        if before_row is not None:
            where += " AND r.row<?"
            params.append(before_row)
        if status is not None:
            where += f" AND {_STATUS_SQL}=?"
            params += [*_STATUS_PARAMS, status]
        found = [_outcome_from_row(r) for r in self.db.execute(
            f"{_OUTCOME_SELECT} WHERE {where} ORDER BY r.row DESC LIMIT ?", (*params, size))]
        found.reverse()
        return found

    def row_page_starts(self, run_id: int, size: int, status: str | None = None) -> list[int]:
        """The spreadsheet row that starts each page of `size` outcomes (of those with `status`, when
        given): page p is then row_outcome_page(run_id, starts[p], size, status). One number per page."""
        if status is None:
            inner, params = "SELECT row FROM row_results WHERE run_id=?", [run_id]
        else:
            inner = (f"SELECT r.row FROM row_results r LEFT JOIN leads l ON l.run_id=r.run_id AND l.seq=r.lead_seq "
                     f"WHERE r.run_id=? AND {_STATUS_SQL}=?")
            params = [run_id, *_STATUS_PARAMS, status]
        return [row for (row,) in self.db.execute(
            f"SELECT row FROM (SELECT row, ROW_NUMBER() OVER (ORDER BY row) - 1 AS n FROM ({inner})) "
            "WHERE n % ? = 0 ORDER BY row", (*params, size))]


# a row's outcome in SQL, as _outcome_from_row decides it in Python (status filters use it)
_STATUS_SQL = "(CASE WHEN r.left_out THEN ? WHEN r.lead_seq IS NULL THEN ? WHEN l.status=? THEN ? ELSE l.status END)"
_STATUS_PARAMS = (outcomes.LEFT_OUT, outcomes.INVALID, outcomes.SENDING, outcomes.PENDING)
_OUTCOME_SELECT = (
    "SELECT r.row, r.identifier, r.lead_seq, r.reason AS row_reason, r.warnings, r.problems, r.left_out, r.name, "
    "l.status, l.reason FROM row_results r LEFT JOIN leads l ON l.run_id=r.run_id AND l.seq=r.lead_seq")


def _outcome_from_row(r: sqlite3.Row) -> RowOutcome:
    if r["left_out"]:
        status, reason = outcomes.LEFT_OUT, r["row_reason"]
    elif r["lead_seq"] is None:
        status, reason = outcomes.INVALID, r["row_reason"]
    else:
        status, reason = r["status"], r["reason"]
        if status == outcomes.SENDING:
            status = outcomes.PENDING
    problems = r["problems"]
    return RowOutcome(r["row"], r["identifier"], status, reason, r["warnings"],
                      [tuple(p) for p in json.loads(problems)] if problems != "[]" else [], r["name"] or "")
