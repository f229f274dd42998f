"""What the sandbox saw and did, for tests to inspect from any thread.

Times are `time.monotonic()` seconds. `accepted[label]` holds every request that passed the
rate limit (the requests the rolling window counts), so `max_in_window` proves whether a client
ever went over it.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import Counter, defaultdict, deque

from .leads import Lead, LeadStore, apply_request, seed_existing_leads
from .values import Dropped, identifier_key
from .workspace import Workspace


class RollingWindow:
    """At most `limit` requests in any `seconds`-long window, per token."""

    def __init__(self, limit: int, seconds: float):
        self.limit = limit
        self.seconds = seconds
        self._times: dict[str, deque] = defaultdict(deque)

    def admit(self, label: str, now: float) -> float | None:
        """None when admitted (and counted); else the seconds until a slot frees."""
        times = self._times[label]
        while times and times[0] + self.seconds <= now:
            times.popleft()
        if len(times) >= self.limit:
            return max(0.0, times[0] + self.seconds - now)
        times.append(now)
        return None

    def clear(self) -> None:
        self._times.clear()


def max_in_window(times: list[float], seconds: float) -> int:
    """The most entries of sorted `times` inside any half-open window [t, t + seconds)."""
    most, start = 0, 0
    for end, t in enumerate(times):
        while times[start] + seconds <= t:
            start += 1
        most = max(most, end - start + 1)
    return most


class SandboxState:
    def __init__(self, workspace: Workspace, *, existing_leads: bool = False):
        self.workspace = workspace
        self.existing_leads = existing_leads
        self.keep_requests = False  # tests turn it on to see each request body as sent
        self.lock = threading.Lock()
        self._changed = threading.Condition(self.lock)
        self.reset()

    def reset(self) -> None:
        """Forget leads, counters and history (the workspace's new dropdown options stay)."""
        with self.lock:
            self.store = LeadStore()
            if self.existing_leads:
                seed_existing_leads(self.workspace, self.store)
            self.searches: list[tuple[list, object]] = []  # (identifiers asked, answer status) per lead/search
            self.requests: list = []  # every queued request body, in order, when keep_requests is set
            self.accepted: dict[str, list[float]] = defaultdict(list)
            self.answers: Counter = Counter()  # (label or "-", status code or "closed") -> count
            self.received = 0
            self.queued = 0
            self.processed = 0

    # -- written by the server's loop ------------------------------------------------------
    def record_received(self) -> None:
        with self.lock:
            self.received += 1

    def record_accepted(self, label: str, now: float) -> None:
        with self.lock:
            self.accepted[label].append(now)

    def record_answer(self, label: str | None, status) -> None:
        with self.lock:
            self.answers[(label or "-", status)] += 1

    def record_search(self, body: bytes, status) -> None:
        try:
            fields = json.loads(body or b"{}").get("fields", {})
            asked = [v for values in fields.values() if isinstance(values, list) for v in values]
        except (ValueError, AttributeError):
            asked = []
        with self.lock:
            self.searches.append((asked, status))

    def request_log(self) -> list:
        """Every queued request body, in processing order (kept only when `keep_requests` is set)."""
        with self.lock:
            return copy.deepcopy(self.requests)

    def search_log(self) -> list[tuple[list, object]]:
        """Every lead/search request: (the values it asked for, the answer's status), in order."""
        with self.lock:
            return list(self.searches)

    def record_queued(self) -> None:
        with self.lock:
            self.queued += 1

    def process(self, body, label: str) -> None:
        with self._changed:
            if self.keep_requests:
                self.requests.append(copy.deepcopy(body))
            try:
                apply_request(self.workspace, self.store, body, label)
            except Exception as exc:  # a sandbox bug must not stop the queue; tests see it here
                self.store.dropped_requests.append({"token": label, "reason": f"sandbox error: {exc!r}", "body": body})
            self.processed += 1
            self._changed.notify_all()

    # -- read by tests -----------------------------------------------------------------------
    def wait_processed(self, timeout: float = 10.0) -> bool:
        """Wait until every queued request was processed; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.processed < self.queued:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def accepted_times(self, label: str) -> list[float]:
        with self.lock:
            return list(self.accepted.get(label, []))

    def max_in_window(self, label: str, seconds: float) -> int:
        return max_in_window(self.accepted_times(label), seconds)

    def count(self, status, label: str | None = None) -> int:
        """Answers with `status` (an int, or "closed" for connections closed unanswered)."""
        with self.lock:
            return sum(n for (who, code), n in self.answers.items() if code == status and label in (None, who))

    @property
    def rate_limited(self) -> int:
        return self.count(429)

    def leads(self) -> dict[str, Lead]:
        with self.lock:
            return copy.deepcopy(self.store.leads)

    def lead(self, identifier) -> Lead | None:
        """The lead matched by `identifier` as telecrm would match it (e.g. "9876543210" or "+91...")."""
        try:
            key = identifier_key(identifier, self.workspace)
        except Dropped:
            return None
        with self.lock:
            lead = self.store.leads.get(key)
            return copy.deepcopy(lead) if lead else None

    def dropped_requests(self) -> list[dict]:
        with self.lock:
            return copy.deepcopy(self.store.dropped_requests)

    def action_counts(self) -> Counter:
        with self.lock:
            return Counter(self.store.action_counts)

    def doubled_actions(self) -> list[tuple[str, str, int]]:
        with self.lock:
            return self.store.doubled_actions()

    def summary(self) -> dict:
        with self.lock:
            return {
                "received": self.received,
                "queued": self.queued,
                "processed": self.processed,
                "leads": len(self.store.leads),
                "dropped_requests": len(self.store.dropped_requests),
                "doubled_actions": len(self.store.doubled_actions()),
                "accepted": {label: len(times) for label, times in self.accepted.items()},
                "answers": {f"{who} {code}": n for (who, code), n in sorted(self.answers.items(), key=str)},
            }
