"""The pacer alone, on a simulated clock: no window ever holds more than the limit."""

from __future__ import annotations

import bisect

import pytest

from hypothesis import given, settings, strategies as st

from telecrm_desktop.core.send.pacing import RollingWindowPacer, run_limit


def max_in_any_window(times: list[float], span: float) -> int:
    times = sorted(times)
    return max((bisect.bisect_right(times, t + span - 1e-12) - i for i, t in enumerate(times)), default=0)


def drive(pacer: RollingWindowPacer, start: float, until: float, pauses=()) -> list[float]:
    """Send as soon as allowed (a greedy sender), skipping paused stretches."""
    now, sent = start, []
    while True:
        now = pacer.next_send_at(now)
        for a, b in pauses:
            if a <= now < b:
                now = pacer.next_send_at(b)
        if now >= until:
            return sent
        pacer.record(now)
        sent.append(now)


def test_steady_rate_uses_the_budget_and_never_exceeds_it():
    pacer = RollingWindowPacer(limit=40, window=2.0, margin=0.04)
    sent = drive(pacer, 0.0, 20.0)
    assert max_in_any_window(sent, 2.0) <= 40
    assert max_in_any_window(sent, 2.04) <= 40
    assert len(sent) >= 0.97 * 40 * 10  # 10 windows in 20 s


def test_restored_sends_of_a_previous_run_prevent_a_burst():
    pacer = RollingWindowPacer(limit=10, window=1.0, margin=0.0)
    earlier = [0.5 + i * 0.01 for i in range(10)]  # a burst just before the restart
    pacer.restore(earlier)
    sent = drive(pacer, 0.7, 3.0)
    assert sent[0] >= 1.5  # the first new send waits until the burst leaves the window
    assert max_in_any_window(earlier + sent, 1.0) <= 10


def test_a_long_pause_resumes_evenly_spaced_not_in_a_burst():
    pacer = RollingWindowPacer(limit=10, window=1.0, margin=0.0)
    sent = drive(pacer, 0.0, 10.0, pauses=[(2.0, 6.0)])
    after = [t for t in sent if t >= 6.0]
    gaps = [b - a for a, b in zip(after, after[1:])]
    assert min(gaps) >= 0.1 - 1e-9
    assert max_in_any_window(sent, 1.0) <= 10


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(1, 30),
    window=st.floats(0.1, 5.0),
    gaps=st.lists(st.floats(0.0, 0.5), min_size=1, max_size=200),
)
def test_irregular_callers_never_exceed_the_window(limit, window, gaps):
    """Whatever the caller's rhythm (sending only when ready), any window holds at most `limit`."""
    pacer = RollingWindowPacer(limit, window, margin=0.0)
    now, sent = 0.0, []
    for gap in gaps:
        now += gap
        if pacer.ready(now):
            pacer.record(now)
            sent.append(now)
    assert max_in_any_window(sent, window) <= limit


def test_share_of_budget():
    assert run_limit(18_000, 0.8) == 14_400
    assert run_limit(3, 0.1) == 1


def test_a_send_that_left_late_counts_from_when_it_left():
    pacer = RollingWindowPacer(limit=2, window=1.0, margin=0.0)
    pacer.record(0.0)
    pacer.record(0.5)
    pacer.move(0.0, 0.3)  # the first request waited 0.3 s for its connection
    assert pacer.next_send_at(1.0) == 1.3


def test_slow_answers_widen_the_slack_but_never_past_a_tenth_of_the_window():

    pacer = RollingWindowPacer(limit=10, window=10.0)
    assert pacer.span == pytest.approx(10.1)
    pacer.widen(0.05)  # inside the default slack: nothing changes
    assert pacer.span == pytest.approx(10.1)
    pacer.widen(0.4)
    assert pacer.span == pytest.approx(10.4) and pacer.interval == pytest.approx(1.04)
    pacer.widen(30.0)  # a stalled answer must not stop the token
    assert pacer.span == pytest.approx(11.0)
