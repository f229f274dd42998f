"""The engine over real HTTP against the sandbox (loopback, a 2-second window of 40 per token)."""

from __future__ import annotations

import threading
import time

from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.send.engine import STOP_CANCELLED, STOP_NO_TOKEN, SendControl
from tests.send.conftest import LIMIT, WINDOW, fast_settings, lead_states, make_run, phone, send, tokens_of


def accepted_keys(sandbox) -> set[str]:
    return set(sandbox.state.leads())


def assert_no_action_doubled(sandbox):
    assert sandbox.state.wait_processed()
    assert sandbox.state.doubled_actions() == []


def test_three_tokens_paced_under_the_window_at_nearly_full_rate(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    run_id = make_run(tmp_path / "j.db", sandbox.enterprise_id, 270)
    summary = send(tmp_path / "j.db", run_id, sandbox)
    assert summary.counts == {"queued": 270} and summary.stopped is None
    assert sandbox.state.rate_limited == 0
    for token in sandbox.async_tokens:
        assert 0 < sandbox.state.max_in_window(token.label, WINDOW) <= LIMIT
    # 270 leads at 3 x 20/s: 4.5 s of budget; allow for the start and the margin
    assert summary.elapsed < 4.5 / 0.75  # (loose: the machine may be busy; bench/send_rate.py measures)
    assert sandbox.state.wait_processed()
    assert len(accepted_keys(sandbox)) == 270


def test_rate_limited_leads_are_retried_with_and_without_retry_after(tmp_path, start_sandbox):
    for retry_after in (None, "auto"):
        # the server allows half of what the engine believes: 429s must slow it, never drop a lead
        sandbox = start_sandbox(rate_limit=LIMIT // 2, retry_after=retry_after)
        run_id = make_run(tmp_path / f"j{retry_after}.db", sandbox.enterprise_id, 30)
        summary = send(tmp_path / f"j{retry_after}.db", run_id, sandbox, tokens=tokens_of(sandbox, 1))
        assert summary.counts == {"queued": 30}
        assert summary.rate_limited > 0 and sandbox.state.rate_limited == summary.rate_limited
        assert sandbox.state.rate_limited < 30  # backed off, not hammering
        assert_no_action_doubled(sandbox)
        assert len(accepted_keys(sandbox)) == 30


def test_a_token_revoked_mid_run_is_dropped_and_the_others_carry_on(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    threading.Timer(0.4, lambda: sandbox.revoke("sandbox-async-2")).start()
    events = []
    run_id = make_run(tmp_path / "j.db", sandbox.enterprise_id, 60)
    summary = send(tmp_path / "j.db", run_id, sandbox, on_event=events.append)
    assert summary.counts == {"queued": 60}
    assert sandbox.state.count(200, "sandbox-async-2") > 0 and sandbox.state.count(401) > 0
    assert summary.tokens_out == ["sandbox-async-2"]
    assert any('"sandbox-async-2"' in e for e in events)
    assert not any(t.value in e for e in events for t in sandbox.async_tokens)
    assert_no_action_doubled(sandbox)


def test_every_token_refused_stops_with_leads_pending(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    for token in sandbox.async_tokens:
        sandbox.revoke(token.label)
    run_id = make_run(tmp_path / "j.db", sandbox.enterprise_id, 30)
    summary = send(tmp_path / "j.db", run_id, sandbox)
    assert summary.stopped == STOP_NO_TOKEN
    assert sorted(summary.tokens_out) == ["sandbox-async-1", "sandbox-async-2", "sandbox-async-3"]
    assert {s for s, _a in lead_states(tmp_path / "j.db", run_id).values()} == {"pending"}


def test_server_errors_are_retried_and_give_up_after_the_bound(tmp_path, start_sandbox):
    sandbox = start_sandbox(faults={"script": ["500", "502", "503", "500", "500", "503"]})
    run_id = make_run(tmp_path / "j.db", sandbox.enterprise_id, 40)
    summary = send(tmp_path / "j.db", run_id, sandbox)
    assert summary.counts == {"queued": 40}
    assert sandbox.state.count(500) + sandbox.state.count(502) + sandbox.state.count(503) == 6
    # a lead that meets only errors fails after max_attempts, with the answer as reason
    sandbox.set_faults(error_rate=1.0)
    run_id = make_run(tmp_path / "j.db", sandbox.enterprise_id, 2, start=100)
    summary = send(tmp_path / "j.db", run_id, sandbox, settings=fast_settings(max_attempts=3))
    assert summary.counts == {"failed": 2}
    with Journal(tmp_path / "j.db") as j:
        reasons = [r for (r,) in j.db.execute("SELECT reason FROM leads WHERE run_id=?", (run_id,))]
    assert len(reasons) == 2
    assert all("gave up after 3 attempts" in r and "telecrm answered 5" in r for r in reasons)


def test_no_answer_makes_leads_with_actions_uncertain_and_others_are_retried(tmp_path, start_sandbox):
    sandbox = start_sandbox(faults={"close_after_rate": 0.25, "seed": 7})
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 80)
    summary = send(journal, run_id, sandbox)
    states = lead_states(journal, run_id)
    uncertain = {k for k, (s, _a) in states.items() if s == "uncertain"}
    assert uncertain and all(states[k][1] for k in uncertain)  # only leads with actions
    assert {s for k, (s, _a) in states.items() if k not in uncertain} == {"queued"}
    assert summary.counts["uncertain"] == len(uncertain)
    assert_no_action_doubled(sandbox)  # an uncertain lead was accepted once and never sent again
    assert accepted_keys(sandbox) == set(states)  # close_after queued them all
    # asked explicitly: the uncertain ones are sent again
    sandbox.set_faults(close_after_rate=0.0)
    summary = send(journal, run_id, sandbox, settings=fast_settings(resend_uncertain=True))
    assert summary.counts == {"queued": len(uncertain)}
    assert {s for s, _a in lead_states(journal, run_id).values()} == {"queued"}


def test_a_read_timeout_is_no_answer_too(tmp_path, start_sandbox):
    sandbox = start_sandbox(faults={"script": ["slow", "slow"], "slow_seconds": 1.5})
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 2, actions_every=1)
    send(journal, run_id, sandbox, tokens=tokens_of(sandbox, 1), settings=fast_settings(read_timeout=0.5))
    assert {s for s, _a in lead_states(journal, run_id).values()} == {"uncertain"}


def test_connections_closed_before_reading_are_retried_for_leads_without_actions(tmp_path, start_sandbox):
    sandbox = start_sandbox(faults={"close_before_rate": 0.3, "seed": 3})
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 40, actions_every=0)
    summary = send(journal, run_id, sandbox)
    assert summary.counts == {"queued": 40}
    assert sandbox.state.count("closed") > 0


def test_a_pause_longer_than_the_window_resumes_paced(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 50)
    control = SendControl()

    def pause_then_resume():
        time.sleep(0.6)
        control.pause()
        time.sleep(WINDOW * 1.2)
        control.resume()

    helper = threading.Thread(target=pause_then_resume)
    helper.start()
    summary = send(journal, run_id, sandbox, tokens=tokens_of(sandbox, 1), control=control)
    helper.join()
    assert summary.counts == {"queued": 50}
    assert sandbox.state.rate_limited == 0
    assert sandbox.state.max_in_window("sandbox-async-1", WINDOW) <= LIMIT
    times = sandbox.state.accepted_times("sandbox-async-1")
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert max(gaps) > WINDOW  # the pause happened
    # no burst after it: the engine's own dispatch times (load only spreads them, never bunches them
    # more than one slot) put the ten sends after the pause at least ~8 pacing slots apart
    with Journal(journal) as j:
        sent = [t for (t,) in j.db.execute("SELECT sent_mono FROM dispatches ORDER BY sent_mono")]
    assert len(sent) == 50
    pause = max(range(len(sent) - 1), key=lambda i: sent[i + 1] - sent[i]) + 1
    assert len(sent) - pause >= 10
    assert sent[pause + 9] - sent[pause] >= 6 * WINDOW / LIMIT


def test_cancel_leaves_the_rest_pending(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 100)
    control = SendControl()
    threading.Timer(0.5, control.cancel).start()
    summary = send(journal, run_id, sandbox, control=control)
    assert summary.stopped == STOP_CANCELLED
    states = [s for s, _a in lead_states(journal, run_id).values()]
    assert 0 < states.count("queued") < 100 and states.count("queued") + states.count("pending") == 100
    assert sandbox.state.wait_processed()
    assert len(accepted_keys(sandbox)) == states.count("queued")


def test_a_restart_paces_on_from_the_journal(tmp_path, start_sandbox):
    """Two runs back to back on one token: together they never exceed the window."""
    sandbox = start_sandbox()
    journal = tmp_path / "j.db"
    first = make_run(journal, sandbox.enterprise_id, 40)
    second = make_run(journal, sandbox.enterprise_id, 40, start=40)
    one = tokens_of(sandbox, 1)
    send(journal, first, sandbox, tokens=one, settings=fast_settings(in_flight_per_token=40, rate_per_hour=10_000))
    # a quarter of the window as slack: the first run's 40 requests, all in flight at once, reach a
    # loaded machine's sandbox up to a few hundred ms after the journal marked them sent, and a new
    # engine starts with the 50 ms default (it widens only once it has seen answers' jitter)
    summary = send(journal, second, sandbox, tokens=one, settings=fast_settings(margin=WINDOW / 4))
    assert summary.counts == {"queued": 40} and sandbox.state.rate_limited == 0
    assert sandbox.state.max_in_window("sandbox-async-1", WINDOW) <= LIMIT


def test_the_journal_never_holds_a_token_value(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 20)
    send(journal, run_id, sandbox)
    blobs = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"sandbox-async-1" in blobs  # labels are there
    for token in sandbox.async_tokens:
        assert token.value.encode() not in blobs
        for part in token.value.split(":"):
            assert part.encode() not in blobs


def test_a_server_down_for_a_while_costs_no_lead(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 40)
    threading.Timer(0.4, lambda: sandbox.go_down(1.5)).start()
    summary = send(journal, run_id, sandbox, settings=fast_settings(max_attempts=2))
    states = lead_states(journal, run_id)
    assert len(states) == 40
    # connections refused spend no attempt; a lead whose request was cut off may be uncertain
    assert {s for s, _a in states.values()} <= {"queued", "uncertain"}
    assert all(a for s, a in states.values() if s == "uncertain")
    assert summary.counts.get("queued", 0) >= 35
    assert_no_action_doubled(sandbox)


def test_a_server_that_stays_down_stops_the_run_with_leads_pending(tmp_path, start_sandbox):
    sandbox = start_sandbox()
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 10)
    sandbox.go_down(30)
    summary = send(journal, run_id, sandbox, settings=fast_settings(unreachable_limit=1.0))
    assert summary.stopped == "unreachable"
    assert {s for s, _a in lead_states(journal, run_id).values()} == {"pending"}


def test_a_429_storm_is_waited_out(tmp_path, start_sandbox):
    sandbox = start_sandbox(retry_after=None)
    journal = tmp_path / "j.db"
    run_id = make_run(journal, sandbox.enterprise_id, 40)
    threading.Timer(0.3, lambda: sandbox.storm(0.8)).start()
    summary = send(journal, run_id, sandbox)
    assert summary.counts == {"queued": 40}
    assert 0 < sandbox.state.rate_limited < 40  # each token backed off instead of hammering
    assert_no_action_doubled(sandbox)
