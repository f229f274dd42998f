"""`telecrm-desktop --self-test FILE --mapping TEMPLATE`: the real window, offscreen, walked through
the whole flow on a person's own sheet (workspace, open, map, review, send, results) so that a
script can tell whether the app handles that file, and how much memory it took.

Standard output gets one line per step and, at the end, `self-test passed: N rows, peak memory
M MB`; a step that fails gives one sentence on standard error naming the step, and exit 1.

At most SEND_AT_MOST leads are sent. The limit uses the Review step's own "leave out" (the rows of
every later lead are left out before Send) rather than an option of the send: what goes out is
then decided exactly as for a person who left rows out, the send code has no self-test branch, and
the run's results show the rest as left out, which is what happened to them.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from telecrm_desktop.gui.flow_driver import FlowDriver, FlowError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1
SEND_AT_MOST = 1_000
WIDE_OPEN_RATE = 1_000_000  # sends per hour per token in the self-test's own sandbox
STEP_TIMEOUT = 900.0  # seconds per step: a 1,048,576-row sheet on a busy laptop takes minutes to read


def say(text: str, meter) -> None:
    print(f"self-test: {text} (peak memory so far {meter.so_far_mb():.0f} MB)", flush=True)


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


def run_on_file(window, file: Path, template: Path | None, meter) -> int:
    """Walks `window` through the flow on `file`; `meter` is the PeakMemory started with the app."""
    from telecrm_desktop.gui.bridge import sandbox_link

    # the door checks the app's flow, not telecrm's pacing (the `pacing` benchmark does): the sandbox
    # of this throw-away process is opened wide, as bench/gui.py does, so that 1,000 leads take
    # seconds rather than the 80 s telecrm's 18,000 an hour per token would
    sandbox_link.SANDBOX_RATE_PER_WINDOW, sandbox_link.SANDBOX_WINDOW = WIDE_OPEN_RATE, 3600.0
    driver = FlowDriver(window, timeout=STEP_TIMEOUT)
    session = window.session
    step = "workspace"
    try:
        driver.use_sandbox()
        say("workspace ok: the sandbox workspace on this computer", meter)
        step = "open"
        driver.open_file(file)
        rows = len(session.sheet.rows)
        say(f"open ok: {file.name}, {rows:,} rows", meter)
        step = "map"
        if template is not None:
            driver.apply_template(template)
            say(f"map ok: the template {template.name}", meter)
        else:
            driver.accept_mapping()
            say("map ok: the suggested mapping", meter)
        step = "review"
        driver.review()
        view = window.review_screen.result
        say(f"review ok: {rows:,} rows checked, {view.lead_count:,} leads to send", meter)
        step = "leave out"
        total, kept = driver.leave_out_leads_after(SEND_AT_MOST)
        if kept < total:
            say(f"leave out ok: the rows of the {total - kept:,} leads after the first {kept:,} left out", meter)
        else:
            say(f"leave out ok: nothing to leave out ({total:,} leads)", meter)
        step = "send"
        state = sandbox_link.sandbox_server().state
        queued_before = state.queued
        counts = driver.send()
        sent = state.queued - queued_before
        stuck = {s: n for s, n in counts.items() if s in ("failed", "uncertain", "pending") and n}
        if stuck or sent != kept:
            summary = ", ".join(f"{n:,} {s}" for s, n in sorted(counts.items()))
            return fail(step, f"{sent:,} of the {kept:,} leads reached the sandbox (rows: {summary})")
        say(f"send ok: sent {sent:,} of {total:,} leads to the sandbox", meter)
        step = "results"
        driver.results()
        say("results ok: the run's results are shown", meter)
    except FlowError as exc:
        return fail(step, str(exc))
    except Exception as exc:  # noqa: BLE001 - a sentence, never a traceback; the trace goes to the log
        log.exception("self-test: the %s step failed", step)
        return fail(step, f"something unexpected went wrong ({type(exc).__name__}: {exc}); the details are in the log")
    print(f"self-test passed: {rows} rows, peak memory {meter.peak_mb():.0f} MB", flush=True)
    return EXIT_OK
