"""GUI benchmarks, run offscreen in a worker process: the real main window, screens and workers.

- first view: from OpenScreen.open_path (the user's "open") to the preview of the sheet's top,
  and to the first screen of data rows (workers.FIRST_SCREEN_ROWS) in the session's model.
- stall: a 5 ms QTimer on the GUI thread records the gaps between its ticks while the app reads
  a large file, checks it, then opens a smaller one and sends it to the embedded sandbox.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

PROBE_MS = 5


def _start_app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    os.environ["TELECRM_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="telecrm-bench-")
    from telecrm_desktop.gui.app import make_application
    from telecrm_desktop.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    return app, window


def _spin(app, predicate, timeout: float) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the GUI did not reach the expected state in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)


def first_view(path: str) -> dict:
    from telecrm_desktop.gui.main_window import OPEN
    from telecrm_desktop.gui.bridge.workers import FIRST_SCREEN_ROWS

    app, window = _start_app()
    window.go_to(OPEN)
    _spin(app, lambda: True, 1)
    screen, session = window.open_screen, window.session
    started = time.perf_counter()
    screen.open_path(Path(path))
    _spin(app, lambda: screen.preview_model.rowCount() > 0, 120)
    preview = time.perf_counter() - started
    _spin(app, lambda: session.sheet is not None and len(session.sheet.rows) >= FIRST_SCREEN_ROWS, 120)
    rows = time.perf_counter() - started
    if screen.worker is not None:
        screen.worker.cancel()
    return {"seconds": rows, "preview_seconds": preview}


class StallProbe:
    """Gaps between ticks of a short timer on the GUI thread, filed under the current phase.

    A watchdog thread samples the GUI thread's Python stack every few milliseconds while a tick
    is late, so each long stall is charged to the app's own code that was running.
    """

    def __init__(self, late_ms: float = 30):
        from PySide6.QtCore import QTimer

        self.phase = "idle"
        self.gaps: dict[str, list[float]] = {}
        self.culprits: Counter = Counter()  # (phase, app frames) -> samples
        self._last = time.perf_counter()
        self._gui_thread = threading.get_ident()
        self._late = late_ms / 1000
        self._stop = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()
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

    def stop(self) -> None:
        self._stop.set()
        self.timer.stop()

    def top_culprits(self, count: int = 8) -> list[str]:
        return [f"{phase}: {frames} ({n * 5} ms)" for (phase, frames), n in self.culprits.most_common(count)]


def _app_frames(frame, depth: int = 3) -> str:
    """The innermost frames of the app's own GUI code (not the benchmark's or the driver's)."""
    names, innermost = [], frame
    while frame is not None and len(names) < depth:
        code = frame.f_code
        if "telecrm_desktop" in code.co_filename and "flow_driver" not in code.co_filename:
            names.append(f"{Path(code.co_filename).stem}.{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    if names:
        return " < ".join(names)
    if innermost is None:
        return "Qt, no Python frame"
    return f"Qt, below {Path(innermost.f_code.co_filename).stem}.{innermost.f_code.co_name}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def stall(big_path: str, send_path: str, idle_seconds: str = "2") -> dict:
    """Longest and 99th-percentile tick gap (ms) while busy, and while idle (the baseline)."""
    app, window = _start_app()
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.flow_driver import FlowDriver

    # telecrm's real limit would make 10,000 leads take over half an hour: the sandbox is opened wide
    sandbox_link.SANDBOX_RATE_PER_WINDOW, sandbox_link.SANDBOX_WINDOW = 1_000_000, 3600.0
    probe = StallProbe()
    driver = FlowDriver(window, timeout=900)
    driver.use_sandbox()
    idle_until = time.perf_counter() + float(idle_seconds)
    probe.gaps.clear()
    _spin(app, lambda: time.perf_counter() >= idle_until, 60)
    started = time.perf_counter()
    for phase, step in (("read", lambda: driver.open_file(Path(big_path))),
                        ("check", driver.accept_mapping), ("check", driver.review),
                        ("read", lambda: driver.open_file(Path(send_path))),
                        ("check", driver.accept_mapping), ("check", driver.review),
                        ("send", driver.send)):
        probe.enter(phase)
        result = step()
    probe.enter("done")
    probe.stop()
    busy = [g for phase in ("read", "check", "send") for g in probe.gaps.get(phase, [])]
    out = {"seconds": time.perf_counter() - started, "sent": result,
           "max_ms": max(busy) * 1000, "p99_ms": percentile(busy, 0.99) * 1000,
           "idle_max_ms": max(probe.gaps["idle"]) * 1000, "idle_p99_ms": percentile(probe.gaps["idle"], 0.99) * 1000}
    for phase in ("read", "check", "send"):
        gaps = probe.gaps.get(phase, [0.0])
        out[f"{phase}_max_ms"] = max(gaps) * 1000
        out[f"{phase}_p99_ms"] = percentile(gaps, 0.99) * 1000
    out["culprits"] = probe.top_culprits()
    sandbox_link.stop_sandbox()
    return out
