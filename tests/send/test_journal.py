"""The journal on its own: states, resume, delta import, pacing restore."""

from __future__ import annotations

import hashlib
import time

from telecrm_desktop.core.send.journal import Journal, NewLead, RowRecord
from telecrm_desktop.core.send import outcomes

ENT = "66f6bc6faf29b5a6f29c9bbf"


def lead(phone: str, actions: bool = False) -> NewLead:
    body = ('{"fields":{"phone":"%s"}%s}' % (phone, ',"actions":[{"type":"ACTION_1"}]' if actions else "")).encode()
    return NewLead(phone, [int(phone[-2:])], body, hashlib.sha256(body).hexdigest(), actions)


def test_wal_mode_and_states_through_a_run(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        assert j.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        run = j.start_run(ENT, "a.csv", "f1", "t1")
        j.add_leads(run.id, ENT, [lead("919800000001"), lead("919800000002", actions=True), lead("919800000003")])
        j.add_rows(run.id, [RowRecord(1, "919800000001", "919800000001"), RowRecord(2, "919800000002", "919800000002"),
                            RowRecord(3, "919800000003", "919800000003"), RowRecord(4, "x", None, "bad phone", "", [("Phone", "bad")])])
        todo = list(j.leads_to_send(run.id))
        assert [l.seq for l in todo] == [1, 2, 3]
        j.write_batch(run.id, ENT, sending=[(1, "main", "k1", time.time()), (2, "main", "k1", time.time())])
        j.write_batch(run.id, ENT, finished=[(1, outcomes.QUEUED, "", todo[0].body_hash)])
        # a crash here: lead 2 (with actions) was on its way, lead 3 never left
        assert j.recover_interrupted(run.id) == 1
        assert j.lead_counts(run.id) == {outcomes.QUEUED: 1, outcomes.UNCERTAIN: 1, outcomes.PENDING: 1}
        assert [l.seq for l in j.leads_to_send(run.id)] == [3]
        assert [l.seq for l in j.leads_to_send(run.id, resend_uncertain=True)] == [2, 3]
        rows = list(j.row_outcomes(run.id))
        assert [(r.row, r.status) for r in rows] == [(1, "queued"), (2, "uncertain"), (3, "pending"), (4, "invalid")]
        assert rows[3].problems == [("Phone", "bad")]
        assert j.find_resumable_run(ENT, "f1", "t1").id == run.id
        assert j.find_resumable_run(ENT, "f2", "t1") is None


def test_a_queued_body_is_unchanged_in_a_later_run_unless_send_all(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        first = j.start_run(ENT, "a.csv", "f1", "t1")
        a, b = lead("919800000001"), lead("919800000002")
        j.add_leads(first.id, ENT, [a, b])
        j.write_batch(first.id, ENT, sending=[(1, "main", "k", time.time())])
        j.write_batch(first.id, ENT, finished=[(1, outcomes.QUEUED, "", a.body_hash)])
        second = j.start_run(ENT, "a.csv", "f2", "t1")
        j.add_leads(second.id, ENT, [a, b])
        assert j.lead_counts(second.id) == {outcomes.UNCHANGED: 1, outcomes.PENDING: 1}
        other = j.start_run("0" * 24, "a.csv", "f2", "t1")  # another workspace: sent again
        j.add_leads(other.id, "0" * 24, [a])
        assert j.lead_counts(other.id) == {outcomes.PENDING: 1}
        third = j.start_run(ENT, "a.csv", "f3", "t1")
        j.add_leads(third.id, ENT, [a, b], send_all=True)
        assert j.lead_counts(third.id) == {outcomes.PENDING: 2}


def test_resume_keeps_states_and_finished_runs_are_not_resumed(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        run = j.start_run(ENT, "a.csv", "f1", "t1")
        a = lead("919800000001")
        j.add_leads(run.id, ENT, [a])
        j.write_batch(run.id, ENT, sending=[(1, "main", "k", time.time())], finished=[])
        j.write_batch(run.id, ENT, finished=[(1, outcomes.QUEUED, "", a.body_hash)])
        j.add_leads(run.id, ENT, [a, lead("919800000002")])  # the same command again, after a crash
        assert j.lead_counts(run.id) == {outcomes.QUEUED: 1, outcomes.PENDING: 1}
        j.write_batch(run.id, ENT, finished=[(2, outcomes.QUEUED, "", "h")])
        j.end_run(run.id, "finished")
        assert j.find_resumable_run(ENT, "f1", "t1") is None


def test_dispatch_times_are_kept_per_token_for_pacing(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        run = j.start_run(ENT, "a.csv", "f1", "t1")
        j.add_leads(run.id, ENT, [lead("919800000001"), lead("919800000002")])
        now = time.time()
        j.write_batch(run.id, ENT, sending=[(1, "a", "ka", now - 5000), (2, "b", "kb", now)])
        assert j.dispatches_since("ka", now - 3600) == []
        assert j.dispatches_since("kb", now - 3600) == [now]
        j.forget_dispatches_before(now - 10)
        assert j.db.execute("SELECT COUNT(*) FROM dispatches").fetchone()[0] == 1


def test_an_unanswered_request_stays_uncertain_in_a_run_of_an_edited_file(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        first = j.start_run(ENT, "a.csv", "f1", "t1")
        a = lead("919800000001", actions=True)
        j.add_leads(first.id, ENT, [a])
        j.write_batch(first.id, ENT, sending=[(1, "main", "k", time.time())])  # killed here
        edited = j.start_run(ENT, "a.csv", "f2", "t1")  # the user changed another row meanwhile
        j.add_leads(edited.id, ENT, [a, lead("919800000002", actions=True)])
        assert j.lead_counts(edited.id) == {outcomes.UNCERTAIN: 1, outcomes.PENDING: 1}
        assert [l.identifier for l in j.leads_to_send(edited.id, resend_uncertain=True)] == ["919800000001", "919800000002"]
