"""Per-token pacing: never more than `limit` sends in any rolling window, spread evenly.

A send counts at the moment it is dispatched (the server sees it then). Two rules hold at once:
- the hard one: fewer than `limit` sends in the last `window + margin` seconds, so a rolling
  window on the server is never exceeded even when answers arrive with some jitter;
- the smooth one: sends are spaced `(window + margin) / limit` apart, so a run (or a resume
  after a pause longer than the window) never bursts the whole budget at once.
After a refusal, `backoff` spaces the tries (the send engine's and the existing-lead lookup's).
"""

from __future__ import annotations

import bisect
import math
import random
from typing import Iterable


def backoff(base: float, attempt: int, cap: float) -> float:
    """Exponential back-off with jitter: base, 2*base, 4*base ... up to cap, each +-25%."""
    return min(cap, base * (2 ** max(0, attempt - 1))) * random.uniform(0.75, 1.25)


MAX_MARGIN_SHARE = 0.1  # answer-time jitter widens the slack up to this part of the window


def default_margin(window: float) -> float:
    """Slack added to the window: 1% of it, and at least 50 ms for scaled-down test windows."""
    return max(window * 0.01, 0.05)


def run_limit(limit_per_window: int, share: float) -> int:
    """This run's part of a token's budget (the rest stays free for live website forms)."""
    if not 0 < share <= 1:
        raise ValueError(f"the share of the rate limit must be above 0 and at most 1, not {share}")
    return max(1, math.floor(limit_per_window * share))


class RollingWindowPacer:
    """When the next send on one token may leave. Times are `time.monotonic()` seconds."""

    def __init__(self, limit: int, window: float, margin: float | None = None):
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs at least one send per window of positive length")
        self.limit = limit
        self.window = window
        self.span = window + (default_margin(window) if margin is None else margin)
        self.interval = self.span / limit
        self._sends: list[float] = []  # sorted
        self._next_slot = -math.inf  # the ideal time of the next evenly spaced send

    def widen(self, margin: float) -> None:
        """Grow the slack to `margin` when answers show more jitter than it covers: a request that
        reaches the server later than the one sent a window after it would overfill the window."""
        margin = min(margin, self.window * MAX_MARGIN_SHARE)
        if self.window + margin > self.span:
            self.span = self.window + margin
            self.interval = self.span / self.limit

    def restore(self, sent_at: Iterable[float], now: float | None = None) -> None:
        """Sends made earlier (by a previous run), on the same clock; keeps those inside the window.
        With `now`, a send dated later than now counts as made now: never a wait past one window."""
        for t in sent_at:
            if now is not None and t > now:
                t = now
            bisect.insort(self._sends, t)
            self._next_slot = max(self._next_slot, t + self.interval)
        self._trim()

    def _trim(self) -> None:
        if len(self._sends) > self.limit:
            del self._sends[: len(self._sends) - self.limit]

    def _forget_before(self, now: float) -> None:
        cut = bisect.bisect_right(self._sends, now - self.span)
        if cut:
            del self._sends[:cut]

    def next_send_at(self, now: float) -> float:
        """The earliest time (>= now) at which a send is allowed."""
        self._forget_before(now)
        at = max(now, self._next_slot)
        if len(self._sends) >= self.limit:
            at = max(at, self._sends[-self.limit] + self.span)
        return at

    def ready(self, now: float) -> bool:
        return self.next_send_at(now) <= now

    def record(self, now: float) -> None:
        """A send was dispatched at `now`."""
        bisect.insort(self._sends, now)
        # keep the even rhythm, but after an idle stretch start again from now instead of catching up
        if self._next_slot < now - self.interval:
            self._next_slot = now
        self._next_slot += self.interval
        self._trim()

    def move(self, planned: float, actual: float) -> None:
        """A send recorded at `planned` actually left at `actual` (later: a connection had to be
        opened first); the window counts it when the server sees it."""
        i = bisect.bisect_left(self._sends, planned)
        if i < len(self._sends) and self._sends[i] == planned:
            del self._sends[i]
        bisect.insort(self._sends, actual)
        self._trim()

    def sends_in_window(self, now: float) -> int:
        self._forget_before(now)
        return len(self._sends)
