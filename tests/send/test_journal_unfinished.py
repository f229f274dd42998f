"""What the journal keeps so a run can be finished with nothing else open: the unfinished runs
and their unsent leads, how the file was read (runs.source), left-out rows and lead names, and
which rows were merged into one lead. Journals of earlier versions gain the new columns."""

from __future__ import annotations

import sqlite3
import time

from telecrm_desktop.core.send.journal import Journal, RowRecord
from telecrm_desktop.core.send import outcomes, runs

from tests.send.test_journal import ENT, lead


def test_unfinished_runs_newest_first_with_their_unsent_leads(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        done = j.start_run(ENT, "done.csv", "f0", "t0")
        j.add_leads(done.id, ENT, [lead("919800000001")])
        j.write_batch(done.id, ENT, finished=[(1, outcomes.QUEUED, "", "h")])
        j.end_run(done.id, "finished")
        killed = j.start_run(ENT, "killed.csv", "f1", "t1")
        j.add_leads(killed.id, ENT, [lead("919800000011"), lead("919800000012"), lead("919800000013")])
        j.write_batch(killed.id, ENT, sending=[(1, "main", "k", time.time())])  # on its way at the kill
        cancelled = j.start_run(ENT, "cancelled.csv", "f2", "t2")
        j.add_leads(cancelled.id, ENT, [lead("919800000021"), lead("919800000022")])
        j.write_batch(cancelled.id, ENT, finished=[(1, outcomes.QUEUED, "", "h2")])
        j.end_run(cancelled.id, "stopped", "you cancelled it")
        found = [(run.id, unsent) for run, unsent in j.unfinished_runs()]
    assert found == [(cancelled.id, 1), (killed.id, 3)]


def test_source_left_out_rows_names_and_merges(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        run = j.start_run(ENT, "a.csv", "f", "t")
        j.set_source(run.id, {"sheet": "Leads", "header_row": 3, "edits": {"5": {"Phone": "98"}}, "excluded": [4]})
        a, b = lead("919800000002"), lead("919800000003")
        a = a.__class__(a.identifier, [2, 7], a.body, a.body_hash, a.has_actions)  # rows 2 and 7: one lead
        j.add_leads(run.id, ENT, [a, b])
        j.add_rows(run.id, [
            runs.row_record(2, "919800000002", "919800000002", name="Asha"),
            runs.row_record(3, "919800000003", "919800000003", name="Ravi"),
            runs.left_out_record(4, "919800000004", "Left"),
            runs.row_record(7, "919800000002", "919800000002", name="Asha again"),
        ])
        assert j.run(run.id).source["header_row"] == 3 and j.run(run.id).source["excluded"] == [4]
        outcomes_by_row = {o.row: o for o in j.row_outcomes(run.id)}
        assert outcomes_by_row[4].status == outcomes.LEFT_OUT and outcomes_by_row[4].name == "Left"
        assert "left out" in outcomes_by_row[4].reason
        assert outcomes_by_row[3].name == "Ravi"
        assert j.row_counts(run.id) == {outcomes.PENDING: 3, outcomes.LEFT_OUT: 1}
        assert j.merges(run.id) == (3, 2, [[2, 7]], 1)


def test_a_journal_of_an_earlier_version_gains_the_new_columns(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE runs (id INTEGER PRIMARY KEY, enterprise_id TEXT NOT NULL, file_path TEXT NOT NULL,
            file_fingerprint TEXT NOT NULL, template_fingerprint TEXT NOT NULL, started_at TEXT NOT NULL,
            ended_at TEXT, state TEXT NOT NULL DEFAULT 'open', stop_reason TEXT, counts TEXT NOT NULL DEFAULT '{}',
            results_dir TEXT);
        CREATE TABLE row_results (run_id INTEGER NOT NULL, row INTEGER NOT NULL, identifier TEXT NOT NULL DEFAULT '',
            lead_seq INTEGER, reason TEXT NOT NULL DEFAULT '', warnings TEXT NOT NULL DEFAULT '',
            problems TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (run_id, row));
        INSERT INTO runs (enterprise_id, file_path, file_fingerprint, template_fingerprint, started_at)
            VALUES ('%s', 'old.csv', 'f', 't', '2026-01-01T00:00:00+00:00');
        INSERT INTO row_results (run_id, row, identifier, reason) VALUES (1, 2, 'x', 'bad phone');
    """ % ENT)
    db.commit()
    db.close()
    with Journal(path) as j:
        (run,) = j.runs()
        assert run.source is None and run.landed is None
        (outcome,) = j.row_outcomes(run.id)
        assert outcome.status == outcomes.INVALID and outcome.name == ""
        j.add_rows(run.id, [RowRecord(3, "y", None, left_out=True)])
        assert j.row_counts(run.id) == {outcomes.INVALID: 1, outcomes.LEFT_OUT: 1}
