"""What one send run knows while it runs: its tokens' lanes and the shared counters and queues.

The sending loop (engine.py) and the answer handling (answers.py) both read and change it; it is
plain data so that each can be followed (and tested) on its own.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from dataclasses import dataclass, field

from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.send.journal import LeadToSend
from telecrm_desktop.core.send.pacing import RollingWindowPacer

# what the journal is told of an answered lead: (seq, status, reason, body hash)
Finished = tuple[int, str, str, "str | None"]


@dataclass
class TokenLane:
    """One token as the run uses it: its pacer, its requests in flight, its holds."""

    label: str
    key: str  # a one-way fingerprint (pacing across restarts), never the value
    authorization: str = field(repr=False)
    pacer: RollingWindowPacer
    in_flight: int = 0
    out: bool = False  # telecrm refused it
    hold_until: float = 0.0  # after a 429
    strikes: int = 0  # 429s in a row


@dataclass
class RunState:
    total: int  # leads this session set out to send
    started: float  # time.monotonic() at the start
    counts: dict[str, int] = field(default_factory=dict)  # final outcomes in this session
    finished: list[Finished] = field(default_factory=list)  # answers not yet committed to the journal
    retries: list[tuple[float, int, LeadToSend]] = field(default_factory=list)  # heap: (ready at, tie, lead)
    attempts: dict[int, int] = field(default_factory=dict)  # lead seq -> attempts spent
    streak: int = 0  # trouble answers in a row (5xx, no connection, no answer)
    hold_until: float = 0.0  # everyone waits until then (the server is in trouble)
    requests: int = 0  # dispatched
    rate_limited: int = 0  # 429 answers
    in_flight: int = 0
    unreachable_since: float | None = None  # first "could not connect" since the last answer
    journal_seconds: float = 0.0  # spent committing to the journal
    recent: deque[float] = field(default_factory=deque)  # dispatch times of the last seconds (the rate)
    _tie: itertools.count = field(default_factory=itertools.count, repr=False)

    def finish(self, lead: LeadToSend, status: str, reason: str) -> None:
        self.finished.append((lead.seq, status, reason, lead.body_hash))
        self.counts[status] = self.counts.get(status, 0) + 1

    def retry_later(self, lead: LeadToSend, delay: float, reason: str) -> None:
        self.finished.append((lead.seq, outcomes.PENDING, reason, lead.body_hash))
        heapq.heappush(self.retries, (time.monotonic() + delay, next(self._tie), lead))

    def retry_due(self, now: float) -> bool:
        return bool(self.retries) and self.retries[0][0] <= now

    def next_retry(self) -> LeadToSend:
        return heapq.heappop(self.retries)[2]
