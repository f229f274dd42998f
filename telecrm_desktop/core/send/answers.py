"""What the engine does with each answer telecrm gives: one table of decisions.

The table is kept apart from the sending loop so that it reads as a table and is tested as one:
answer kind x lead kind (with or without actions) -> the lead's outcome, whether and how it is
sent again, what happens to the token and whether the server counts as in trouble.
`AnswerHandling` applies a decision to one run's state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Callable

from telecrm_desktop.core import refusals
from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.send.client import Answer, AnswerKind
from telecrm_desktop.core.send.journal import LeadToSend
from telecrm_desktop.core.send.pacing import backoff
from telecrm_desktop.core.send.run_state import RunState, TokenLane

if TYPE_CHECKING:  # the engine imports this module: its settings are named for annotations only
    from telecrm_desktop.core.send.engine import SendSettings

# the first words of the events that open and close a stretch without any connection to telecrm
OUTAGE_STARTED = "telecrm cannot be reached"
OUTAGE_ENDED = "telecrm can be reached again"
TROUBLE_STREAK = 3  # trouble answers in a row after which everyone waits and one request probes


class Retry(StrEnum):
    NO = "no"  # the outcome is final
    AT_ONCE = "at once"  # not the lead's fault (429, a refused token): no attempt spent, no wait
    AFTER_BACKOFF = "after a back-off"  # spends one of max_attempts; after the last one the lead fails
    AFTER_BACKOFF_FREE = "after a back-off, no attempt spent"  # nothing reached telecrm


class TokenEffect(StrEnum):
    UNCHANGED = "unchanged"
    CLEARED = "cleared"  # accepted: the token's run of 429s ends
    HELD = "held"  # 429: this token waits (Retry-After, else a growing back-off)
    REFUSED = "refused"  # 401: the token is not used for the rest of the run


class ServerEffect(StrEnum):
    UNCHANGED = "unchanged"
    HEALTHY = "healthy"  # telecrm judged the lead: the trouble streak ends
    TROUBLE = "trouble"  # 5xx, no connection, no answer: the streak grows


@dataclass(frozen=True)
class Decision:
    outcome: str  # outcomes.QUEUED / FAILED / UNCERTAIN, or outcomes.PENDING when it is sent again
    retry: Retry
    token: TokenEffect = TokenEffect.UNCHANGED
    server: ServerEffect = ServerEffect.UNCHANGED


_TROUBLE = Decision(outcomes.PENDING, Retry.AFTER_BACKOFF, server=ServerEffect.TROUBLE)

# (answer kind, the lead carries actions) -> decision; a kind that ignores the lead is listed once
_DECISIONS: dict[tuple[AnswerKind, bool | None], Decision] = {
    (AnswerKind.QUEUED, None): Decision(outcomes.QUEUED, Retry.NO, TokenEffect.CLEARED, ServerEffect.HEALTHY),
    (AnswerKind.RATE_LIMITED, None): Decision(outcomes.PENDING, Retry.AT_ONCE, TokenEffect.HELD),
    (AnswerKind.UNAUTHORIZED, None): Decision(outcomes.PENDING, Retry.AT_ONCE, TokenEffect.REFUSED),
    (AnswerKind.REJECTED, None): Decision(outcomes.FAILED, Retry.NO, server=ServerEffect.HEALTHY),
    (AnswerKind.SERVER_ERROR, None): _TROUBLE,
    (AnswerKind.NOT_SENT, None): Decision(outcomes.PENDING, Retry.AFTER_BACKOFF_FREE, server=ServerEffect.TROUBLE),
    # the request may have reached telecrm: sending it again could double the lead's actions
    (AnswerKind.NO_ANSWER, True): Decision(outcomes.UNCERTAIN, Retry.NO),
    (AnswerKind.NO_ANSWER, False): _TROUBLE,
}


def decide(kind: AnswerKind, has_actions: bool) -> Decision:
    """What to do with a lead whose request got an answer of this kind."""
    found = _DECISIONS.get((kind, None))
    return found if found is not None else _DECISIONS[(kind, has_actions)]


class AnswerHandling:
    """Applies the decision for one answer to the run's state, the token and the lead."""

    def __init__(self, state: RunState, settings: SendSettings, on_event: Callable[[str], None],
                 enterprise_id: str = "") -> None:
        self.state = state
        self.settings = settings
        self.on_event = on_event
        self.enterprise_id = enterprise_id  # named in the sentence about a refused token

    def handle(self, token: TokenLane, lead: LeadToSend, answer: Answer) -> None:
        state, s = self.state, self.settings
        if answer.status_code is not None:
            if state.unreachable_since is not None:
                self.on_event(f"{OUTAGE_ENDED} after {time.monotonic() - state.unreachable_since:.0f} s "
                              "without a connection; sending goes on.")
            state.unreachable_since = None
        decision = decide(answer.kind, lead.has_actions)
        if decision.server is ServerEffect.HEALTHY:
            state.streak = 0
        elif decision.server is ServerEffect.TROUBLE:
            state.streak += 1
            if state.streak >= TROUBLE_STREAK:  # the server is in trouble: everyone waits, one request probes
                state.hold_until = time.monotonic() + backoff(s.retry_base, state.streak - 2, s.retry_cap)
        self._apply_to_token(token, decision.token, answer)
        reason = self._reason(token, lead, answer, decision)
        if decision.retry is Retry.NO:
            state.finish(lead, decision.outcome, reason)
        elif decision.retry is Retry.AT_ONCE:
            state.retry_later(lead, 0.0, reason)
        elif decision.retry is Retry.AFTER_BACKOFF_FREE:
            # not the lead's fault, so no attempt is spent; a server down for longer than
            # unreachable_limit stops the run instead (leads stay pending)
            delay = backoff(s.retry_base, 1, s.retry_cap)
            if state.unreachable_since is None:
                state.unreachable_since = time.monotonic()
                wait = max(delay, state.hold_until - time.monotonic())
                self.on_event(f"{OUTAGE_STARTED}: {answer.detail}; trying again in {max(1, round(wait))} s.")
            state.retry_later(lead, delay, reason)
        else:
            attempt = state.attempts.get(lead.seq, 0) + 1
            state.attempts[lead.seq] = attempt
            if attempt >= s.max_attempts:
                state.finish(lead, outcomes.FAILED, f"{reason}; gave up after {attempt} attempts")
            else:
                state.retry_later(lead, backoff(s.retry_base, attempt, s.retry_cap), reason)

    def _apply_to_token(self, token: TokenLane, effect: TokenEffect, answer: Answer) -> None:
        s = self.settings
        if effect is TokenEffect.CLEARED:
            token.strikes = 0
        elif effect is TokenEffect.HELD:
            self.state.rate_limited += 1
            token.strikes += 1
            wait = answer.retry_after if answer.retry_after is not None else backoff(
                s.rate_limited_base, token.strikes, max(s.rate_limited_base, min(60.0, s.window / 2)))
            token.hold_until = max(token.hold_until, time.monotonic() + min(wait, s.window))
        elif effect is TokenEffect.REFUSED and not token.out:
            token.out = True
            self.on_event(refusals.async_token_refused(token.label, self.enterprise_id)
                          + " It is not used for the rest of this run.")

    @staticmethod
    def _reason(token: TokenLane, lead: LeadToSend, answer: Answer, decision: Decision) -> str:
        if decision.outcome == outcomes.QUEUED:
            return "" if answer.detail == "telecrm answered QUEUED" else answer.detail
        if decision.token is TokenEffect.REFUSED:
            return f'the token "{token.label}" was refused'
        if decision.outcome == outcomes.UNCERTAIN:
            return (f"{answer.detail}; the lead carries actions, so it is not sent again unless uncertain "
                    "leads are re-sent on purpose")
        return answer.detail
