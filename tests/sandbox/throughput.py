"""Requests per second the sandbox serves on loopback (a measurement, not a test).

    python -m tests.sandbox.throughput [REQUESTS] [CONCURRENCY]

The sandbox runs in its own process (`telecrm-import sandbox --port 0`), as in the engine-ceiling
benchmark; the client is httpx.AsyncClient with keep-alive, CONCURRENCY requests in flight, once
through one shared pool and once with one single-connection client per lane.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time

import httpx

from telecrm_desktop.sandbox import load_workspace


async def _measure(url: str, tokens: list[str], requests: int, concurrency: int, shared: bool) -> float:
    numbers = iter(range(requests))
    if shared:
        pool = httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency))
        clients = [pool] * concurrency
    else:
        clients = [httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) for _ in range(concurrency)]

    async def lane(client):
        for n in numbers:
            body = json.dumps({"fields": {"phone": f"91{9000000000 + n}", "name": "Load"}}).encode()
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Content-Type": "application/json"}
            response = await client.post(url, content=body, headers=headers)
            assert response.status_code == 200, response.text

    started = time.perf_counter()
    await asyncio.gather(*(lane(c) for c in clients))
    elapsed = time.perf_counter() - started
    for client in set(clients):
        await client.aclose()
    return requests / elapsed


def main(requests: int = 5000, concurrency: int = 32) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "telecrm_desktop.cli", "sandbox", "--port", "0", "--rate-limit", str(10**9)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        base_url = None
        for line in server.stdout:
            found = re.search(r"base URL \(Async API\):\s+(\S+)", line)
            if found:
                base_url = found.group(1)
                break
        ws = load_workspace()
        url = f"{base_url}/enterprise/{ws.enterprise_id}/autoupdatelead"
        tokens = [t.value for t in ws.tokens_of("ASYNC")]
        for shared in (True, False):
            rate = asyncio.run(_measure(url, tokens, requests, concurrency, shared))
            kind = "one shared pool" if shared else "one connection per lane"
            print(f"{requests} requests, {concurrency} in flight, {kind}: {rate:.0f} requests/s")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
