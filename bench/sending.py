"""Sending benchmarks: the real SendEngine and a naive sequential httpx loop against the sandbox.

The sandbox runs in a process of its own (as telecrm is elsewhere), so the client measured does
not share its interpreter lock with the server; the server reports its own count of 429 answers
and the times it accepted each token's requests.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.secrets import Token
from telecrm_desktop.core.send.engine import SendEngine, SendSettings
from telecrm_desktop.core.send.runs import new_lead
from telecrm_desktop.sandbox import load_workspace

WORKSPACE = load_workspace(None)
ENTERPRISE = WORKSPACE.enterprise_id

SERVER = """
import json, sys
from telecrm_desktop.sandbox import Faults, SandboxServer
limit, window, low, high = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
faults = Faults(latency=(low, high), seed=7) if high > 0 else None
with SandboxServer(rate_limit=limit, window_seconds=window, faults=faults) as server:
    print(server.port, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    state = server.state
    print(json.dumps({"rate_limited": state.rate_limited,
                      "accepted": {t.label: state.accepted_times(t.label) for t in server.async_tokens}}))
"""


class SandboxProcess:
    """A sandbox in a child process; `report()` stops it and returns its counts."""

    def __init__(self, limit: int = 10**9, window: float = 3600.0, latency: tuple[float, float] = (0.0, 0.0)):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(limit), str(window), *map(str, latency)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.base_url = f"http://127.0.0.1:{int(self.process.stdout.readline())}"

    def report(self) -> dict:
        self.process.stdin.close()
        out = self.process.stdout.read()
        self.process.wait(10)
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def sandbox_process(**kwargs):
    server = SandboxProcess(**kwargs)
    try:
        yield server
    finally:
        server.kill()


def lead_body(i: int) -> dict:
    body: dict = {"fields": {"phone": f"9197{i:08d}", "name": f"Lead {i}"}}
    if i % 3 == 0:  # a third carry an action, as imports with notes do
        body["actions"] = [{"type": "ACTION_1001", "fields": {"note": f"visit {i}"}}]
    return body


def make_run(journal: Path, count: int) -> int:
    with Journal(journal) as j:
        run = j.start_run(ENTERPRISE, "bench.csv", f"bench-{time.time()}", "t")
        j.add_leads(run.id, ENTERPRISE, [new_lead(f"9197{i:08d}", [i + 2], lead_body(i)) for i in range(count)])
        return run.id


def async_tokens(n: int = 3) -> list[Token]:
    return [Token(t.label, "async", t.value) for t in WORKSPACE.tokens if t.type == "ASYNC"][:n]


def engine_send(base_url: str, journal: Path, count: int, settings: SendSettings) -> dict:
    run_id = make_run(journal, count)
    engine = SendEngine(journal, run_id, enterprise_id=ENTERPRISE, base_url=base_url,
                        tokens=async_tokens(), settings=settings)
    summary = engine.run()
    return {"seconds": summary.elapsed, "requests": summary.requests, "rate": summary.rate,
            "engine_429s": summary.rate_limited, "journal_seconds": summary.journal_seconds,
            "counts": summary.counts}


def naive_send(base_url: str, count: int) -> dict:
    """What a script would do: one token, one request after another, wait a second after a 429."""
    import httpx

    token = async_tokens(1)[0]
    url = f"{base_url}/enterprise/{ENTERPRISE}/autoupdatelead"
    requests = rate_limited = 0
    started = time.perf_counter()
    with httpx.Client(headers=token.auth_header(), timeout=30) as client:
        for i in range(count):
            while True:
                requests += 1
                response = client.post(url, json=lead_body(i))
                if response.status_code != 429:
                    break
                rate_limited += 1
                time.sleep(1.0)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "requests": requests, "rate": requests / elapsed, "client_429s": rate_limited}


def steady_rate(accepted: dict[str, list[float]]) -> float:
    """Requests per second the server accepted: per token, the requests after its first one over
    the time from its first to its last, summed over the tokens (start-up time not counted)."""
    rate = 0.0
    for times in accepted.values():
        if len(times) > 1:
            rate += (len(times) - 1) / (max(times) - min(times))
    return rate


def max_in_window(accepted: dict[str, list[float]], window: float) -> int:
    """The most requests any one token had accepted within one window (<= the limit: no overshoot)."""
    from telecrm_desktop.sandbox.state import max_in_window as most

    return max((most(sorted(times), window) for times in accepted.values()), default=0)
