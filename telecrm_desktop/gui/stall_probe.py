"""How long the GUI thread went without handling events: a 5 ms QTimer on that thread records the
gaps between its ticks, filed under the phase of the work then going on. A gap far above 5 ms is a
stall a person feels (the window does not repaint or answer a click meanwhile).

Used by the self-test's door (gui/self_test.py) and by the GUI benchmarks in bench/. A watchdog
thread samples the GUI thread's Python stack while a tick is late, so each long stall is charged
to the app's own code that was running.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from pathlib import Path

PROBE_MS = 5


class StallProbe:
    """Gaps between ticks of a short timer on the GUI thread, filed under the current phase."""

    def __init__(self, late_ms: float = 30):
        from PySide6.QtCore import QTimer

        self.phase = "idle"
        self.gaps: dict[str, list[float]] = {}
        self.culprits: Counter = Counter()  # (phase, app frames) -> samples
        self._last = time.perf_counter()
        self._gui_thread = threading.get_ident()
        self._late = late_ms / 1000
        self._stop = threading.Event()
        threading.Thread(target=self._watch, name="stall-watchdog", daemon=True).start()
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.setdefault(self.phase, []).append(now - self._last)
        self._last = now

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            if time.perf_counter() - self._last > self._late:
                frame = sys._current_frames().get(self._gui_thread)
                self.culprits[(self.phase, _app_frames(frame))] += 1

    def enter(self, phase: str) -> None:
        self.phase = phase

    def forget_gap(self) -> None:
        """The time since the last tick was the measurer's own (reading memory, printing a line):
        the next gap starts now."""
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._stop.set()
        self.timer.stop()

    def longest_ms(self, phase: str) -> float:
        """The longest gap (ms) while `phase` went on; 0 when no tick fell in it."""
        return max(self.gaps.get(phase, [0.0])) * 1000

    def top_culprits(self, count: int = 8) -> list[str]:
        return [f"{phase}: {frames} ({n * 5} ms)" for (phase, frames), n in self.culprits.most_common(count)]


# the code that walks and measures the app (FlowDriver, the self-test's door, its meters) is not the
# app's; while it pumps events the GUI thread runs Qt's C++ code or the app's slots (then those are
# the innermost frames)
WALKERS = ("flow_driver", "self_test", "peak_memory", "stall_probe")
PUMPS = ("wait_until", "settle")


def _app_frames(frame, depth: int = 3) -> str:
    """The innermost frames of the app's own GUI code, up to the walk's (benchmark, driver, door)."""
    names, innermost = [], frame
    while frame is not None and len(names) < depth:
        code = frame.f_code
        if "telecrm_desktop" in code.co_filename:
            if Path(code.co_filename).stem in WALKERS:
                break
            names.append(f"{Path(code.co_filename).stem}.{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    if names:
        return " < ".join(names)
    if innermost is None:
        return "Qt, no Python frame"
    code = innermost.f_code
    where = f"{Path(code.co_filename).stem}.{code.co_name}"
    if code.co_name in PUMPS:  # no Python of the app's on the stack: C++, or waiting for the interpreter lock
        return f"Qt or the interpreter lock, below {where}"
    if Path(code.co_filename).stem in WALKERS:
        return f"{where}:{innermost.f_lineno} (the walk's own code)"
    return f"Qt, below {where}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0
