"""GUI benchmarks, run offscreen in a worker process: the real main window, screens and workers.

- first view: from OpenScreen.open_path (the user's "open") to the preview of the sheet's top,
  and to the first screen of data rows (workers.FIRST_SCREEN_ROWS) in the session's model.
- stall: a 5 ms QTimer on the GUI thread (telecrm_desktop.gui.stall_probe) records the gaps between
  its ticks while the app reads a large file, checks it, then opens a smaller one and sends it to
  the embedded sandbox.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from telecrm_desktop.gui.stall_probe import StallProbe, percentile


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
