"""Injected faults: what can go wrong between the app and telecrm, on demand, for tests.

Faults touch only the Async endpoint. One decision is drawn per Async request when its head
arrives: first from `script` (a list consumed in arrival order), else from the probabilities.
Where each kind acts (see server.py):
- `close_before`: the connection is closed before the request is read; nothing is queued.
- `error` (5xx, one of `error_statuses`): answered after the token and rate-limit checks (so the
  request counts against the window, as at a gateway), nothing queued.
- `close_after`: the request is read and queued, then the connection is closed unanswered.
- `slow`: queued, then answered after `slow_seconds` (longer than a client's read timeout).
- `429` (script only): answered 429 without counting.
`latency` (seconds, or a [low, high] range) delays every Async answer.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import asdict, dataclass, field

OK, ERROR, CLOSE_BEFORE, CLOSE_AFTER, SLOW, TOO_MANY = "ok", "error", "close_before", "close_after", "slow", "429"
SCRIPT_STEPS = frozenset({OK, ERROR, CLOSE_BEFORE, CLOSE_AFTER, SLOW, TOO_MANY, "500", "502", "503", "504"})


@dataclass
class Faults:
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    close_before_rate: float = 0.0
    close_after_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 5.0
    latency: float | tuple[float, float] = 0.0
    script: list[str] = field(default_factory=list)
    seed: int | None = None

    def __post_init__(self):
        self._random = random.Random(self.seed)
        self._script = deque()
        self._check_and_load(self.script)

    def _check_and_load(self, steps) -> None:
        unknown = [s for s in steps if str(s) not in SCRIPT_STEPS]
        if unknown:
            raise ValueError(f"unknown fault step(s) {unknown}; known: {sorted(SCRIPT_STEPS)}")
        self._script = deque(str(s) for s in steps)
        self.script = list(self._script)

    def update(self, **changes) -> None:
        """Change some settings at run time (from any thread); `script` replaces the pending script."""
        for name, value in changes.items():
            if name == "script":
                self._check_and_load(value or [])
            elif name == "seed":
                self.seed = value
                self._random = random.Random(value)
            elif name in ("error_statuses", "latency") and isinstance(value, list):
                setattr(self, name, tuple(value))
            elif name in self.__dataclass_fields__:
                setattr(self, name, value)
            else:
                raise ValueError(f"unknown fault setting {name!r}; known: {sorted(self.__dataclass_fields__)}")

    def as_dict(self) -> dict:
        data = asdict(self)
        data["script"] = list(self._script)
        return data

    def draw(self) -> tuple[str, int | None]:
        """The fault for the next Async request: (kind, status code for ERROR)."""
        if self._script:
            step = self._script.popleft()
            if step.isdigit() and step != TOO_MANY:
                return ERROR, int(step)
            return (ERROR, self._random.choice(self.error_statuses)) if step == ERROR else (step, None)
        r = self._random.random()
        for kind, rate in (
            (CLOSE_BEFORE, self.close_before_rate),
            (ERROR, self.error_rate),
            (CLOSE_AFTER, self.close_after_rate),
            (SLOW, self.slow_rate),
        ):
            if r < rate:
                return kind, (self._random.choice(self.error_statuses) if kind == ERROR else None)
            r -= rate
        return OK, None

    def delay(self) -> float:
        if isinstance(self.latency, (tuple, list)):
            low, high = self.latency
            return self._random.uniform(low, high)
        return float(self.latency or 0.0)
