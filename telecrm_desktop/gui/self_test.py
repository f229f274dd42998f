"""`telecrm-desktop --self-test FILE --mapping TEMPLATE`: the real window, offscreen, walked through
the whole flow on a person's own sheet (workspace, open, map, review, the problems filter and
back, Ctrl+End to the last row, send, results) so that a script can tell whether the app handles
that file, how long each step took and how much memory it took.

Standard output gets one line per step, `self-test: STEP ok: WHAT (S s, longest GUI stall G ms,
peak memory so far M MB)`, then `self-test summary: first screen of rows A s, whole-sheet check
B s, longest GUI stall C ms at the STEP step, whole walk D s` and last `self-test passed: N rows,
peak memory M MB`; a step that fails gives one sentence on standard error naming the step, and
exit 1. The first screen is timed from asking to open the file to the first paint of the Open
step's table with rows in it; the check from entering Review (which starts it) to its result; a
stall is the longest gap between the ticks of a 5 ms timer on the GUI thread (gui/stall_probe.py).

At most SEND_AT_MOST leads are sent. The limit uses the Review step's own "leave out" (the rows of
every later lead are left out before Send) rather than an option of the send: what goes out is
then decided exactly as for a person who left rows out, the send code has no self-test branch, and
the run's results show the rest as left out, which is what happened to them.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from telecrm_desktop.gui.flow_driver import FlowDriver, FlowError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1
SEND_AT_MOST = 1_000
WIDE_OPEN_RATE = 1_000_000  # sends per hour per token in the self-test's own sandbox
STEP_TIMEOUT = 900.0  # seconds per step: a 1,048,576-row sheet on a busy laptop takes minutes to read
STALL_WORTH_NAMING_MS = 50.0  # the bound on a GUI stall: above it, the line names where


def fail(step: str, reason: str) -> int:
    reason = reason.strip() or "no reason was given"
    if not reason.endswith((".", "!", "?")):
        reason += "."
    print(f"self-test failed at the {step} step: {reason}", file=sys.stderr, flush=True)
    return EXIT_FAILED


def bad_input(file: Path, template: Path | None) -> int | None:
    """The sentence (printed) and exit code for a file or template that cannot be used at all,
    before any window is made; None when both can be tried."""
    if not file.exists():
        return fail("open", f"the file {file} does not exist")
    if file.is_dir():
        return fail("open", f"{file} is a folder, not a spreadsheet")
    if template is not None:
        from telecrm_desktop.core.template.mapping import MappingError, load_mapping

        try:
            load_mapping(template)
        except MappingError as exc:  # one sentence naming the file and the key
            return fail("map", str(exc))
    return None


class Walk:
    """The step under way, and its line: wall seconds, the GUI thread's longest stall while it ran
    (gui/stall_probe.py) and the app's peak memory so far."""

    def __init__(self, meter):
        from telecrm_desktop.gui.stall_probe import StallProbe

        self.meter = meter
        self.probe = StallProbe()
        self.step = "workspace"
        self.walk_started = self.started = time.perf_counter()
        self.probe.enter(self.step)

    def begin(self, step: str) -> None:
        self.step, self.started = step, time.perf_counter()
        self.probe.enter(step)

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def ok(self, text: str) -> None:
        print(f"self-test: {self.step} ok: {text} ({self.seconds():.2f} s, longest GUI stall "
              f"{self.probe.longest_ms(self.step):.0f} ms, peak memory so far {self.meter.so_far_mb():.0f} MB)", flush=True)
        self.probe.forget_gap()  # reading the process tree's memory and printing are the door's, not the app's

    def longest_stall(self) -> tuple[float, str]:
        """The longest stall (ms) of the walk and its step (the door works out which rows to leave
        out beside the GUI thread: the leave-out step's stalls are the app's own)."""
        stalls = [(self.probe.longest_ms(step), step) for step in self.probe.gaps]
        return max(stalls, default=(0.0, self.step))

    def stop(self) -> None:
        self.probe.stop()


class FirstRowsPainted(QObject):
    """When `view` was first painted with rows in its model: the moment a person sees the sheet."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.at: float | None = None
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if self.at is None and event.type() == QEvent.Type.Paint and self.view.model().rowCount() > 0:
            self.at = time.perf_counter()
            watched.removeEventFilter(self)
        return False


def run_on_file(window, file: Path, template: Path | None, meter) -> int:
    """Walks `window` through the flow on `file`; `meter` is the PeakMemory started with the app."""
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.models.review_model import SHOW_ALL, SHOW_PROBLEMS

    # the door checks the app's flow, not telecrm's pacing (the `pacing` benchmark does): the sandbox
    # of this throw-away process is opened wide, as bench/gui.py does, so that 1,000 leads take
    # seconds rather than the 80 s telecrm's 18,000 an hour per token would
    sandbox_link.SANDBOX_RATE_PER_WINDOW, sandbox_link.SANDBOX_WINDOW = WIDE_OPEN_RATE, 3600.0
    driver = FlowDriver(window, timeout=STEP_TIMEOUT)
    session = window.session
    walk = Walk(meter)
    try:
        driver.use_sandbox()
        walk.ok("the sandbox workspace on this computer")
        walk.begin("open")
        first_rows = FirstRowsPainted(window.open_screen.preview_view)
        driver.open_file(file)
        rows = len(session.sheet.rows)
        first_screen = (first_rows.at or time.perf_counter()) - walk.started
        walk.ok(f"{file.name}, {rows:,} rows; first screen of rows after {first_screen:.2f} s")
        walk.begin("map")
        if template is not None:
            driver.apply_template(template)
            walk.ok(f"the template {template.name}")
        else:
            driver.accept_mapping()
            walk.ok("the suggested mapping")
        walk.begin("review")
        driver.review()
        check_seconds = walk.seconds()  # from entering Review, which starts the check, to its result shown
        view = window.review_screen.result
        walk.ok(f"{rows:,} rows checked, {view.lead_count:,} leads to send; the check took {check_seconds:.2f} s")
        walk.begin("problems filter")
        shown = driver.show_rows(SHOW_PROBLEMS)
        walk.ok(f"{shown:,} row{'' if shown == 1 else 's'} with problems shown")
        walk.begin("all rows")
        shown = driver.show_rows(SHOW_ALL)
        walk.ok(f"{shown:,} rows shown")
        walk.begin("last row")
        number, shown = driver.jump_to_last_row()
        walk.ok(f"Ctrl+End went to the sheet's row {number}, the last of the {shown:,} shown")
        walk.begin("leave out")
        total, kept = driver.leave_out_leads_after(SEND_AT_MOST)
        if kept < total:
            walk.ok(f"the rows of the {total - kept:,} leads after the first {kept:,} left out")
        else:
            walk.ok(f"nothing to leave out ({total:,} leads)")
        walk.begin("send")
        state = sandbox_link.sandbox_server().state
        queued_before = state.queued
        counts = driver.send()
        sent = state.queued - queued_before
        stuck = {s: n for s, n in counts.items() if s in ("failed", "uncertain", "pending") and n}
        if stuck or sent != kept:
            summary = ", ".join(f"{n:,} {s}" for s, n in sorted(counts.items()))
            return fail(walk.step, f"{sent:,} of the {kept:,} leads reached the sandbox (rows: {summary})")
        walk.ok(f"sent {sent:,} of {total:,} leads to the sandbox")
        walk.begin("results")
        driver.results()
        walk.ok("the run's results are shown")
    except FlowError as exc:
        return fail(walk.step, str(exc))
    except Exception as exc:  # noqa: BLE001 - a sentence, never a traceback; the trace goes to the log
        log.exception("self-test: the %s step failed", walk.step)
        return fail(walk.step, f"something unexpected went wrong ({type(exc).__name__}: {exc}); the details are in the log")
    finally:
        walk.stop()
    stall, stalled_step = walk.longest_stall()
    if stall > STALL_WORTH_NAMING_MS:  # where the GUI thread was, for whoever makes it shorter
        print("self-test: the GUI thread stalled longest in " + "; ".join(walk.probe.top_culprits(3)), flush=True)
    print(f"self-test summary: first screen of rows {first_screen:.2f} s, whole-sheet check {check_seconds:.2f} s, "
          f"longest GUI stall {stall:.0f} ms at the {stalled_step} step, "
          f"whole walk {time.perf_counter() - walk.walk_started:.1f} s", flush=True)
    print(f"self-test passed: {rows} rows, peak memory {meter.peak_mb():.0f} MB", flush=True)
    return EXIT_OK
