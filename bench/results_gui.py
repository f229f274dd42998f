"""The Results step on a big run, in the real window offscreen: time to the first screen of rows,
the window's added and peak memory, and the GUI thread's longest stall (bench.gui.StallProbe, a
5 ms timer) while a person opens Results, picks outcome filters, jumps to the last row (Ctrl+End)
and scrolls back up.

The run is built through the journal's API by another process first (`build`), so the
measurement's memory is the app's own. Standalone: python -m bench.results_gui --rows 1048576
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILTERS_TRIED = ("failed", "left out", "queued", None)  # a rare outcome, a very rare one, the most common, all


def _rss_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:")) / 1024


def _peak_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def build(home: str, rows: str) -> dict:
    """A finished run of `rows` rows in the data folder `home`'s journal."""
    os.environ["TELECRM_DESKTOP_HOME"] = home
    from bench.results_run import build_run
    from telecrm_desktop.core import paths
    from telecrm_desktop.core.send.journal import Journal

    started = time.perf_counter()
    with Journal(paths.journal_path()) as journal:
        build_run(journal, int(rows))
    return {"seconds": time.perf_counter() - started}


def measure(home: str, rows: str) -> dict:
    os.environ["TELECRM_DESKTOP_HOME"] = home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from bench.gui import StallProbe, _spin, percentile
    from bench.results_run import status_of
    from telecrm_desktop.gui.app import make_application, prepare_runtime
    from telecrm_desktop.gui.main_window import RESULTS, MainWindow
    from telecrm_desktop.gui.screens.results_screen import FILTERS

    rows = int(rows)
    app = make_application()
    prepare_runtime()  # as the app does at start: the interpreter lock's switch interval, core imported
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    _spin(app, lambda: False if time.sleep(0.001) else True, 1)
    for _ in range(50):
        app.processEvents()
    # what each filter must show (count, first and last row), worked out before the probe starts:
    # the benchmark's own work on the GUI thread would be counted as the app's stall
    expected = {}
    for status in FILTERS_TRIED:
        count, first_row, last_row = 0, None, None
        for i in range(rows):
            if status is None or status_of(i) == status:
                count, last_row = count + 1, i + 2
                first_row = first_row or last_row
        expected[status] = (count, first_row, last_row)
    before = _rss_mb()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak (VmHWM) starts again from here: the app's own growth is measured
    probe = StallProbe()
    _spin(app, lambda: sum(len(g) for g in probe.gaps.values()) > 200, 10)  # ~1 s idle: the baseline
    screen = window.results_screen
    model, view = screen.model, screen.view

    def shown(row: int, timeout: float = 60) -> int:
        _spin(app, lambda: model.data(model.index(row, 0)) not in (None, model.PLACEHOLDER), timeout)
        return int(model.data(model.index(row, 0)))

    probe.enter("first screen")
    started = time.perf_counter()
    QTest.mouseClick(window.step_buttons[RESULTS], Qt.MouseButton.LeftButton)
    _spin(app, lambda: model.rowCount() == rows, 120)
    first = shown(0)
    first_screen = time.perf_counter() - started
    probe.enter("reading page starts")
    _spin(app, lambda: not screen.is_loading(), 300)
    page_starts = time.perf_counter() - started
    assert first == 2, first
    timings = {}
    for status in FILTERS_TRIED:
        probe.enter(f"filter {status or 'all'}")
        started = time.perf_counter()
        screen.filter_combo.setCurrentIndex(next(i for i, (_t, s) in enumerate(FILTERS) if s == status))
        count, first_row, last_row = expected[status]
        assert model.rowCount() == count
        assert shown(0) == first_row
        took_first = time.perf_counter() - started
        probe.enter(f"last row {status or 'all'}")
        started = time.perf_counter()
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(0, 1)).center())
        QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert shown(count - 1) == last_row
        timings[status or "all"] = {"first_rows_s": round(took_first, 3), "last_row_s": round(time.perf_counter() - started, 3)}
    probe.enter("scrolling")
    bar = view.verticalScrollBar()
    started = time.perf_counter()
    step_cpu = []  # the GUI thread's own CPU time per scroll step: its work, without the machine's load
    for value in range(bar.maximum(), -1, -max(1, bar.maximum() // 200)):
        cpu = time.thread_time()
        bar.setValue(value)
        app.processEvents()
        step_cpu.append(time.thread_time() - cpu)
    bar.setValue(0)
    shown(0)
    scrolled = time.perf_counter() - started
    probe.stop()
    idle = probe.gaps.get("idle", [0.0])
    busy = [g for phase, gaps in probe.gaps.items() if phase != "idle" for g in gaps]
    worst_phase = max((p for p in probe.gaps if p != "idle"), key=lambda p: max(probe.gaps[p]))
    return {
        "seconds": first_screen, "rows": rows, "rss_before_mb": round(before), "rss_after_mb": round(_rss_mb()),
        "added_mb": round(_peak_mb() - before), "app_peak_mb": round(_peak_mb()),
        "stall_max_ms": round(max(busy) * 1000, 1), "stall_p99_ms": round(percentile(busy, 0.99) * 1000, 1),
        "stall_worst_phase": worst_phase,
        "idle_max_ms": round(max(idle) * 1000, 1), "idle_p99_ms": round(percentile(idle, 0.99) * 1000, 1),
        "page_starts_s": round(page_starts, 2), "filters": timings, "scroll_s": round(scrolled, 2), "scroll_step_cpu_max_ms": round(max(step_cpu) * 1000, 1),
        "stall_max_by_phase_ms": {p: round(max(g) * 1000, 1) for p, g in probe.gaps.items()}, "held_outcomes": model.held(),
        "read_outcomes": model.reader.rows_read, "culprits": probe.top_culprits(4),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, action="append", help="repeatable; default 100,000 and 1,048,576")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    for rows in args.rows or [100_000, 1_048_576]:
        with tempfile.TemporaryDirectory(prefix="telecrm-results-") as home:
            for task in ("results_build", "results_gui"):
                out = subprocess.run([sys.executable, "-m", "bench.worker", task, home, str(rows)], cwd=root,
                                     capture_output=True, text=True)
                if out.returncode:
                    print(out.stderr[-2000:], file=sys.stderr)
                    return 1
            print(json.dumps(json.loads(out.stdout.strip().splitlines()[-1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
