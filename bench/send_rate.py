"""Sending benchmarks (not timed tests): `python -m bench.send_rate [paced|ceiling]`.

- paced: 3 tokens against the sandbox's rolling window (scaled: LIMIT per WINDOW seconds);
  achieved rate as a share of tokens x limit, and the 429 count (goal: >= 97%, 0).
- ceiling: the sandbox in its own process with no effective limit; requests per second the
  engine reaches on loopback (goal: >= 500/s).
  Also prints the share of the run spent committing to the journal (goal: <= 10%).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.secrets import Token
from telecrm_desktop.core.send.engine import SendEngine, SendSettings
from telecrm_desktop.core.send.runs import new_lead
from telecrm_desktop.sandbox import SandboxServer, load_workspace

ENTERPRISE = load_workspace(None).enterprise_id


def make_run(journal: Path, count: int) -> int:
    with Journal(journal) as j:
        run = j.start_run(ENTERPRISE, "bench.csv", f"bench-{time.time()}", "t")
        j.add_leads(run.id, ENTERPRISE, [
            new_lead(f"9197{i:08d}", [i + 2], {"fields": {"phone": f"9197{i:08d}", "name": f"Lead {i}"},
                                              **({"actions": [{"type": "ACTION_1001", "fields": {"note": "x"}}]} if i % 3 == 0 else {})})
            for i in range(count)
        ])
        return run.id


def tokens(workspace_tokens) -> list[Token]:
    return [Token(t.label, "async", t.value) for t in workspace_tokens if t.type == "ASYNC"][:3]


def paced(limit: int = 100, window: float = 5.0, seconds: float = 30.0) -> None:
    with SandboxServer(rate_limit=limit, window_seconds=window) as sandbox, tempfile.TemporaryDirectory() as tmp:
        count = int(3 * limit / window * seconds)
        journal = Path(tmp) / "j.db"
        run_id = make_run(journal, count)
        engine = SendEngine(journal, run_id, enterprise_id=ENTERPRISE, base_url=sandbox.base_url,
                            tokens=tokens(sandbox.workspace.tokens),
                            settings=SendSettings(rate_per_hour=limit, window=window))
        summary = engine.run()
        allowed = 3 * limit / window
        print(f"paced: {summary.requests} requests in {summary.elapsed:.1f} s = {summary.rate:.1f}/s, "
              f"{100 * summary.rate / allowed:.1f}% of 3 x {limit}/{window:g}s; 429s: {sandbox.state.rate_limited}; "
              f"max in any window: {[sandbox.state.max_in_window(t.label, window) for t in sandbox.async_tokens]}")


SERVER = """
import sys, time
from telecrm_desktop.sandbox import SandboxServer
s = SandboxServer(port=int(sys.argv[1]), rate_limit=10**9).start()
print("ready", flush=True)
time.sleep(3600)
"""


def ceiling(count: int = 20_000, journal_dir: str | None = None) -> float:
    port = 18_765
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        with tempfile.TemporaryDirectory(dir=journal_dir) as tmp:
            journal = Path(tmp) / "j.db"
            run_id = make_run(journal, count)
            engine = SendEngine(journal, run_id, enterprise_id=ENTERPRISE, base_url=f"http://127.0.0.1:{port}",
                                tokens=tokens(load_workspace(None).tokens),
                                settings=SendSettings(rate_per_hour=10**9))
            cpu = time.process_time()
            summary = engine.run()
            cpu = time.process_time() - cpu
            print(f"ceiling: {summary.requests} requests in {summary.elapsed:.1f} s = {summary.rate:.0f}/s; "
                  f"engine CPU {1e6 * cpu / summary.requests:.0f} us per request = {summary.requests / cpu:.0f}/s per core "
                  f"(wall-clock figures depend on what else the machine runs) "
                  f"(journal in {journal_dir or tempfile.gettempdir()}, "
                  f"{100 * summary.journal_seconds / summary.elapsed:.1f}% of the time in journal commits); {summary.counts}")
            return summary.rate
    finally:
        server.kill()


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("paced", "all"):
        paced()
    if what in ("ceiling", "all"):
        ceiling()
