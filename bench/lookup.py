"""Lookup benchmark: N leads looked up in a sandbox workspace holding half of them, under a Sync
limit of L requests a second (the sandbox answers 429 with Retry-After past it).

Goals (issue 13): requests <= ceil(N / 100) + retries; time within 10% of the N / 100 / L seconds
that the limit allows. The sandbox runs in its own process (as telecrm is elsewhere); the lookup
records into a real journal file, as `send` does. `python -m bench.lookup N L` runs it directly.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER = """
import json, sys
from telecrm_desktop.sandbox import SandboxServer
from telecrm_desktop.sandbox.workspace import Workspace, load_workspace
count, limit = int(sys.argv[1]), int(sys.argv[2])
definition = load_workspace().definition
if len(sys.argv) > 3:  # the existing leads' fields, one JSON object a line
    with open(sys.argv[3], encoding="utf-8") as f:
        definition["existingLeads"] = [{"fields": json.loads(line)} for line in f]
else:
    definition["existingLeads"] = [{"fields": {"phone": f"9196{i:08d}", "name": f"Lead {i}", "city": "Pune"}}
                                   for i in range(0, count, 2)]
with SandboxServer(Workspace(definition), existing_leads=True, sync_rate_limit=limit) as server:
    print(server.port, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    log = server.state.search_log()
    print(sum(1 for _, status in log if status == 429), len(log), flush=True)
"""


def _own_peak_mb() -> float:
    """This process's own high-water RSS (not the sandbox child's)."""
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def _long_gaps(gaps: list[float], over: float = 0.05) -> list[tuple[float, float]]:
    """(seconds after the phase began, gap in ms) of each gap over `over` seconds."""
    out, at = [], 0.0
    for gap in gaps:
        at += gap
        if gap > over:
            out.append((round(at, 2), round(gap * 1000, 1)))
    return out


def phone(i: int) -> str:
    return f"9196{i:08d}"


def look_up(count: int, limit: int) -> dict:
    from telecrm_desktop.core.send.journal import Journal
    from telecrm_desktop.core.secrets import SYNC, Token
    from telecrm_desktop.core.workspace.lookup import LeadLookup, LookupSettings
    from telecrm_desktop.core.workspace.lookup_record import LookupRecord
    from telecrm_desktop.sandbox import load_workspace

    workspace = load_workspace()
    token = next(Token(t.label, SYNC, t.value) for t in workspace.tokens if t.type == "SYNC")
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(count), str(limit)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{int(server.stdout.readline())}/autoupdate/v2"
        identifiers = [phone(i) for i in range(count)]
        before_mb = _own_peak_mb()  # the leads' identifiers held, nothing looked up yet
        with tempfile.TemporaryDirectory() as folder, Journal(Path(folder) / "journal.db") as journal:
            run = journal.start_run(workspace.enterprise_id, "bench.csv", f"bench-{time.time()}", "t")
            lookup = LeadLookup(url, workspace.enterprise_id, token, "phone",
                                settings=LookupSettings(rate_per_second=limit))
            summary = lookup.run(identifiers, LookupRecord(journal.db), run.id)
        server.stdin.close()
        server_429s, server_requests = map(int, server.stdout.read().split()[-2:])
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
    allowed = math.ceil(count / 100) / limit
    return {"seconds": summary.elapsed, "requests": summary.requests, "retries": summary.retries,
            "found": summary.found, "allowed_seconds": allowed, "least_requests": math.ceil(count / 100),
            "server_429s": server_429s, "server_requests": server_requests,
            "client_peak_mb": _own_peak_mb(), "client_before_mb": before_mb}


if __name__ == "__main__":
    print(json.dumps(look_up(int(sys.argv[1]), int(sys.argv[2]))))


def gui_lookup(path: str, limit: int = 10) -> dict:
    """The app's lookup of a checked sheet's leads (half of them in a sandbox of its own process whose
    Sync limit is `limit` a second), pressed on the Review step: the GUI thread's longest gap between
    5 ms ticks while it runs, its time, and the app's peak memory before and after it."""
    from bench.gui import _spin, _start_app
    from telecrm_desktop.gui.stall_probe import StallProbe, percentile
    from telecrm_desktop.core.secrets import SYNC, Token
    from telecrm_desktop.gui.bridge import sandbox_link, schema_link
    from telecrm_desktop.gui.flow_driver import FlowDriver
    from telecrm_desktop.sandbox import load_workspace

    app, window = _start_app()
    driver = FlowDriver(window, timeout=900)
    driver.use_sandbox()
    driver.open_file(Path(path))
    driver.accept_mapping()
    driver.review()
    leads = list(window.session.check.leads)
    # telecrm elsewhere: a sandbox in its own process holding every second lead as an earlier import
    # left it (an in-process one would compete with the window for the interpreter lock, as no real
    # server does)
    folder = tempfile.mkdtemp(prefix="telecrm-bench-")
    existing_file = Path(folder) / "existing.jsonl"
    existing_file.write_text("".join(json.dumps(lead.body["fields"]) + "\n" for lead in leads[::2]), encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-c", SERVER, "0", str(limit), str(existing_file)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{int(server.stdout.readline())}/autoupdate/v2"
    workspace = load_workspace()
    token = next(Token(t.label, SYNC, t.value) for t in workspace.tokens if t.type == "SYNC")
    schema_link.sync_access = lambda ws: (url, workspace.enterprise_id, token)
    before_mb = _own_peak_mb()
    probe = StallProbe()
    _spin(app, lambda: time.perf_counter() - probe._last < 0.01, 5)
    probe.gaps.clear()
    idle_until = time.perf_counter() + 3.0  # the baseline: the same window, idle, on the same machine
    _spin(app, lambda: time.perf_counter() >= idle_until, 60)
    probe.enter("lookup")
    panel = window.review_screen.existing_panel
    started = time.perf_counter()
    panel.lookup_button.click()

    def done() -> bool:  # the requests are answered: the worker decides every lead (no network)
        if probe.phase == "lookup" and panel.progress.maximum() > 0 and panel.progress.value() >= panel.progress.maximum():
            probe.enter("decide")
        return panel.worker is None

    _spin(app, done, 3600)
    seconds = time.perf_counter() - started
    probe.stop()
    existing = window.session.existing_leads
    gaps = probe.gaps.get("lookup", [0.0]) + probe.gaps.get("decide", [0.0])
    decide = probe.gaps.get("decide", [0.0])
    server.stdin.close()
    server_429s, requests = map(int, server.stdout.read().split()[-2:])
    server.wait()
    sandbox_link.stop_sandbox()
    return {"seconds": seconds, "leads": len(leads), "counts": existing.counts if existing else None,
            "allowed_seconds": math.ceil(len(leads) / 100) / limit,
            "requests": requests, "server_429s": server_429s,
            "max_ms": max(gaps) * 1000, "p99_ms": percentile(gaps, 0.99) * 1000,
            "requests_max_ms": max(probe.gaps.get("lookup", [0.0])) * 1000,
            "long_gaps_at_s": _long_gaps(probe.gaps.get("lookup", [])), "decide_max_ms": max(decide) * 1000,
            "decide_seconds": sum(decide), "idle_max_ms": max(probe.gaps["idle"]) * 1000, "idle_p99_ms": percentile(probe.gaps["idle"], 0.99) * 1000,
            "culprits": probe.top_culprits(), "peak_before_mb": before_mb, "peak_after_mb": _own_peak_mb()}
