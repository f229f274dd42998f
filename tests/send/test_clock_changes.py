"""A clock set back or forward between runs (or during one) never overfills a token's window.

The wall clock is injected (Journal.wall_clock); the monotonic clock is the real one, as after a
person changes the time, a time zone goes wrong or NTP corrects a drifting laptop."""

from __future__ import annotations

import threading
import time

import httpx

import pytest

from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.send.engine import SendControl
from telecrm_desktop.core.send.pacing import RollingWindowPacer
from tests.send.conftest import LIMIT, WINDOW, make_run, send, tokens_of

DAY = 86_400.0


def record_sends(journal: Journal, key: str, n: int) -> None:
    for i in range(n):
        journal.write_batch(1, "e", sending=[(i + 1, "t", key, journal.wall_clock())])


@pytest.fixture
def journal(tmp_path, monkeypatch):
    j = Journal(tmp_path / "journal.sqlite3")
    yield j
    j.close()


def set_wall(monkeypatch, shift: float) -> None:
    monkeypatch.setattr(Journal, "wall_clock", staticmethod(lambda: time.time() + shift))


@pytest.mark.parametrize("shift", [2 * 3600.0, DAY, -DAY, -60.0])
def test_sends_stay_in_the_window_whichever_way_the_clock_moved(journal, monkeypatch, shift):
    record_sends(journal, "k", 10)
    set_wall(monkeypatch, shift)  # the clock changed after the sends
    ages = journal.dispatch_ages("k", within=3600.0)
    assert len(ages) == 10 and all(0 <= a < 5 for a in ages)  # true ages: just sent
    journal.forget_dispatches_older_than(7200.0)
    assert len(journal.dispatch_ages("k", within=3600.0)) == 10  # and not forgotten as "old"


def test_after_a_restart_a_send_dated_in_the_future_counts_as_just_made(journal, monkeypatch):
    """A monotonic stamp ahead of the monotonic clock is from before a restart: the wall clock then
    decides, and a clock set back makes the send look future-dated: it counts as made now."""
    monkeypatch.setattr(Journal, "mono_clock", staticmethod(lambda: 1e9))  # the old uptime
    record_sends(journal, "k", 3)
    monkeypatch.setattr(Journal, "mono_clock", staticmethod(lambda: 50.0))  # restarted 50 s ago
    set_wall(monkeypatch, -DAY)  # and the clock is a day behind
    assert journal.dispatch_ages("k", within=3600.0) == [0.0, 0.0, 0.0]
    set_wall(monkeypatch, 2 * 3600.0)  # or the restart took two hours: the sends are old
    assert journal.dispatch_ages("k", within=3600.0) == []


def test_a_future_dated_restore_never_waits_past_one_window():
    pacer = RollingWindowPacer(limit=2, window=10.0, margin=0.0)
    pacer.restore([100.0 + DAY, 100.0 + DAY], now=100.0)
    assert pacer.next_send_at(100.0) == pytest.approx(110.0)  # one window, not a day


def burst_then_record(sandbox, journal_path, token, n: int) -> None:
    """`n` requests at once on `token` (the server counts them), journalled as a run records them."""
    url = f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead"
    with httpx.Client() as client, Journal(journal_path) as journal:
        for i in range(n):
            journal.write_batch(1, sandbox.enterprise_id, sending=[(i + 1, token.label, token.fingerprint, time.time())])
            answer = client.post(url, json={"fields": {"phone": f"91970000{i:04d}"}}, headers=token.auth_header())
            assert answer.status_code == 200


@pytest.mark.parametrize("shift", [2 * 3600.0, -DAY])
def test_a_clock_changed_between_runs_neither_bursts_nor_stalls(tmp_path, start_sandbox, monkeypatch, shift):
    """A full window on the server, then the clock two hours ahead (the sends look old: a burst would
    get 429s) or a day behind (they look future-dated: the run must not wait a day)."""
    sandbox = start_sandbox()
    journal = tmp_path / "journal.sqlite3"
    (token,) = tokens_of(sandbox, 1)
    burst_then_record(sandbox, journal, token, LIMIT)
    set_wall(monkeypatch, shift)
    control = SendControl()
    guard = threading.Timer(10 * WINDOW, control.cancel)  # a stall is cut short, and fails below
    guard.start()
    try:
        summary = send(journal, make_run(journal, sandbox.enterprise_id, 10, start=100), sandbox, tokens=[token],
                       control=control)
    finally:
        guard.cancel()
    assert summary.stopped is None, "the run waited as if the earlier sends were in the future"
    assert summary.counts == {"queued": 10}
    assert summary.rate_limited == 0, "the run sent into a window the server still counted"
