"""The engine's decision for each answer, read as a table: answer kind x lead kind -> the lead's
outcome, whether it is sent again, what happens to the token, whether the server is in trouble.
Then the same decisions applied to a run's state (attempts, holds, the unreachable clock)."""

from __future__ import annotations

import time

import pytest

from telecrm_desktop.core.send import outcomes as o
from telecrm_desktop.core.send.answers import (
    TROUBLE_STREAK, AnswerHandling, Decision, Retry, ServerEffect, TokenEffect, decide,
)
from telecrm_desktop.core.send.client import Answer
from telecrm_desktop.core.send.client import AnswerKind as K
from telecrm_desktop.core.send.engine import SendSettings
from telecrm_desktop.core.send.journal import LeadToSend
from telecrm_desktop.core.send.pacing import RollingWindowPacer
from telecrm_desktop.core.send.run_state import RunState, TokenLane

T, S = TokenEffect, ServerEffect
WITH, WITHOUT = True, False  # the lead carries actions (a repeat could double them) or not

TABLE = [
    # answer kind     lead     outcome       sent again               token        server
    (K.QUEUED,        WITHOUT, o.QUEUED,     Retry.NO,                T.CLEARED,   S.HEALTHY),
    (K.QUEUED,        WITH,    o.QUEUED,     Retry.NO,                T.CLEARED,   S.HEALTHY),
    (K.RATE_LIMITED,  WITHOUT, o.PENDING,    Retry.AT_ONCE,           T.HELD,      S.UNCHANGED),
    (K.RATE_LIMITED,  WITH,    o.PENDING,    Retry.AT_ONCE,           T.HELD,      S.UNCHANGED),
    (K.UNAUTHORIZED,  WITHOUT, o.PENDING,    Retry.AT_ONCE,           T.REFUSED,   S.UNCHANGED),
    (K.UNAUTHORIZED,  WITH,    o.PENDING,    Retry.AT_ONCE,           T.REFUSED,   S.UNCHANGED),
    (K.REJECTED,      WITHOUT, o.FAILED,     Retry.NO,                T.UNCHANGED, S.HEALTHY),
    (K.REJECTED,      WITH,    o.FAILED,     Retry.NO,                T.UNCHANGED, S.HEALTHY),
    (K.SERVER_ERROR,  WITHOUT, o.PENDING,    Retry.AFTER_BACKOFF,     T.UNCHANGED, S.TROUBLE),
    (K.SERVER_ERROR,  WITH,    o.PENDING,    Retry.AFTER_BACKOFF,     T.UNCHANGED, S.TROUBLE),
    (K.NOT_SENT,      WITHOUT, o.PENDING,    Retry.AFTER_BACKOFF_FREE, T.UNCHANGED, S.TROUBLE),
    (K.NOT_SENT,      WITH,    o.PENDING,    Retry.AFTER_BACKOFF_FREE, T.UNCHANGED, S.TROUBLE),
    (K.NO_ANSWER,     WITHOUT, o.PENDING,    Retry.AFTER_BACKOFF,     T.UNCHANGED, S.TROUBLE),
    (K.NO_ANSWER,     WITH,    o.UNCERTAIN,  Retry.NO,                T.UNCHANGED, S.UNCHANGED),
]


def test_the_table_covers_every_answer_kind_for_both_kinds_of_lead():
    assert {(kind, lead) for kind, lead, *_ in TABLE} == {(kind, lead) for kind in K for lead in (WITH, WITHOUT)}


@pytest.mark.parametrize("kind, has_actions, outcome, retry, token, server", TABLE)
def test_decision(kind, has_actions, outcome, retry, token, server):
    assert decide(kind, has_actions) == Decision(outcome, retry, token, server)


def test_a_plain_string_kind_decides_the_same():
    assert decide("no_answer", True) == decide(K.NO_ANSWER, True)


# ---------------------------------------------------------------- applied to a run's state

def _lead(seq: int = 1, actions: bool = False) -> LeadToSend:
    return LeadToSend(seq, f"9198450{seq:05d}", b"{}", f"hash{seq}", actions)


def _lane(label: str = "t1") -> TokenLane:
    return TokenLane(label, f"key-{label}", "Bearer x", RollingWindowPacer(100, 60.0))


def _handling(**settings) -> tuple[AnswerHandling, RunState, list[str]]:
    state = RunState(total=1, started=time.monotonic())
    events: list[str] = []
    return AnswerHandling(state, SendSettings(**settings), events.append), state, events


def test_a_queued_lead_is_finished_and_its_token_streak_ends():
    handling, state, _ = _handling()
    lane = _lane()
    lane.strikes, state.streak = 2, 2
    handling.handle(lane, _lead(), Answer(K.QUEUED, "telecrm answered QUEUED", 200))
    assert state.finished == [(1, o.QUEUED, "", "hash1")] and state.counts == {o.QUEUED: 1}
    assert lane.strikes == 0 and state.streak == 0 and not state.retries


def test_server_errors_spend_attempts_until_the_lead_fails():
    handling, state, _ = _handling(max_attempts=3, retry_base=0.0)
    lane = _lane()
    for _ in range(3):
        handling.handle(lane, _lead(), Answer(K.SERVER_ERROR, "telecrm answered 503: busy", 503))
    assert [status for _, status, _, _ in state.finished] == [o.PENDING, o.PENDING, o.FAILED]
    assert state.finished[-1][2] == "telecrm answered 503: busy; gave up after 3 attempts"
    assert state.attempts == {1: 3} and state.counts == {o.FAILED: 1}


def test_three_troubles_in_a_row_make_everyone_wait_and_an_answer_ends_that():
    handling, state, _ = _handling(retry_base=10.0, retry_cap=10.0)
    lane = _lane()
    for seq in range(1, TROUBLE_STREAK):
        handling.handle(lane, _lead(seq), Answer(K.SERVER_ERROR, "503", 503))
    assert state.hold_until == 0.0
    handling.handle(lane, _lead(9), Answer(K.SERVER_ERROR, "503", 503))
    assert state.hold_until > time.monotonic()
    handling.handle(lane, _lead(10), Answer(K.REJECTED, "telecrm answered 400: bad", 400))
    assert state.streak == 0


def test_not_sent_costs_no_attempt_and_starts_the_unreachable_clock_until_an_answer_comes():
    handling, state, _ = _handling(max_attempts=1)
    lane = _lane()
    handling.handle(lane, _lead(), Answer(K.NOT_SENT, "could not connect to telecrm (ConnectError)"))
    assert state.unreachable_since is not None and state.attempts == {} and state.finished[0][1] == o.PENDING
    handling.handle(lane, _lead(2), Answer(K.QUEUED, "telecrm answered QUEUED", 200))
    assert state.unreachable_since is None


def test_429_holds_the_token_for_retry_after_and_the_lead_goes_again_at_once():
    handling, state, _ = _handling()
    lane = _lane()
    handling.handle(lane, _lead(), Answer(K.RATE_LIMITED, "telecrm answered 429", 429, retry_after=30.0))
    assert 29.0 < lane.hold_until - time.monotonic() <= 30.0 and lane.strikes == 1 and state.rate_limited == 1
    assert state.retries[0][0] <= time.monotonic()


def test_401_takes_the_token_out_and_says_so_once():
    handling, state, events = _handling()
    lane = _lane("office")
    for seq in (1, 2):
        handling.handle(lane, _lead(seq), Answer(K.UNAUTHORIZED, "telecrm refused the token (401)", 401))
    assert lane.out and len(events) == 1 and '"office"' in events[0]
    assert [reason for _, _, reason, _ in state.finished] == ['the token "office" was refused'] * 2


def test_no_answer_for_a_lead_with_actions_is_uncertain_with_the_reason():
    handling, state, _ = _handling()
    handling.handle(_lane(), _lead(actions=True), Answer(K.NO_ANSWER, "no answer from telecrm (read timeout)"))
    assert state.finished[0][1] == o.UNCERTAIN and state.finished[0][2].startswith("no answer from telecrm")
    assert not state.retries and state.streak == 0
