"""Crash safety, many times over: `python -m tests.send.kill_loop [--kills 20] [--leads 1500]`.

Starts the sandbox (3 tokens, 40 requests per 2 s each), then runs `telecrm-import send` on a sheet
of leads (every other one with an action) and kills it with SIGKILL at random instants, again and
again, then lets the same command finish. Exit 0 when the sandbox holds every valid lead, no action
was accepted twice, and no answer was 429; otherwise prints what went wrong and exits 1.
Too slow for the regular suite (a minute or two); the suite's own test kills three times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from telecrm_desktop.sandbox import SandboxServer
from tests.send.test_cli_send import MAPPING, write_sheet


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--leads", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="kill-loop-"))
    sandbox = SandboxServer(rate_limit=40, window_seconds=2).start()
    try:
        valid = write_sheet(tmp / "leads.csv", args.leads, invalid=False)
        (tmp / "leads.mapping.json").write_text(json.dumps(MAPPING), encoding="utf-8")
        env = {**os.environ, "TELECRM_DESKTOP_HOME": str(tmp / "home"), "TELECRM_RATE_WINDOW_SECONDS": "2",
               "TELECRM_ASYNC_TOKENS": ",".join(t.value for t in sandbox.async_tokens)}
        command = [sys.executable, "-m", "telecrm_desktop.cli", "send", str(tmp / "leads.csv"),
                   "--mapping", str(tmp / "leads.mapping.json"), "--enterprise", sandbox.enterprise_id,
                   "--base-url", sandbox.base_url, "--rate-per-hour", "40"]
        state = sandbox.state
        for n in range(args.kills):
            before = state.summary()["queued"]
            proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # wait until it sends, then kill it somewhere in the next second
            while state.summary()["queued"] == before and proc.poll() is None:
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 1.0))
            os.kill(proc.pid, signal.SIGKILL)
            print(f"kill {n + 1}: exit {proc.wait()}, {state.summary()['queued']} requests queued so far", flush=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        print(done.stdout.strip())
        state.wait_processed(60)
        missing = sorted(set(valid) - set(state.leads()))
        doubled = state.doubled_actions()
        journal = sqlite3.connect(tmp / "home" / "journal.sqlite3")
        uncertain = journal.execute("SELECT COUNT(*) FROM leads WHERE status='uncertain'").fetchone()[0]
        print(f"missing: {len(missing)}, doubled actions: {len(doubled)}, 429 answers: {state.rate_limited}, "
              f"uncertain (accepted, answer lost in a kill): {uncertain}")
        if missing:
            marks = ",".join("?" * len(missing))
            print("journal on the missing:", journal.execute(
                f"SELECT identifier, status, reason FROM leads WHERE identifier IN ({marks})", missing).fetchall())
        return 0 if not missing and not doubled and not state.rate_limited and done.returncode in (0, 1) else 1
    finally:
        sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
