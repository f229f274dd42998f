"""A small admin API on the sandbox (no token; loopback only), for testers driving it from outside.

    GET  /_sandbox/state                 counts, faults, revoked tokens
    GET  /_sandbox/leads                 stored leads (fields, actions, drops) and dropped requests
    POST /_sandbox/faults   {...}        change fault settings (see faults.Faults), answers them all
    POST /_sandbox/revoke   {"label"}    revoke a token; /_sandbox/restore brings it back
    POST /_sandbox/storm    {"seconds"}  answer every Async request 429 for a while
    POST /_sandbox/down     {"seconds"}  stop listening (after this answer) for a while
    POST /_sandbox/reset                 forget leads and counters
    POST /_sandbox/sync     {"limit", "window_seconds", "script", "revoke_after"}
                                         Sync rate limit, scripted lead/search answers, a revocation
    GET  /_sandbox/searches              every lead/search: the values asked for and the answer
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import TYPE_CHECKING

from .replies import Reply, bad_request, error

if TYPE_CHECKING:
    from .server import SandboxServer

ROOT = "/_sandbox"


def _state(server: "SandboxServer") -> dict:
    return {
        **server.state.summary(),
        "faults": server.faults.as_dict(),
        "revoked": sorted(server.revoked),
    }


def _leads(server: "SandboxServer") -> dict:
    return {
        "leads": [dataclasses.asdict(lead) for lead in server.state.leads().values()],
        "dropped_requests": server.state.dropped_requests(),
    }


def answer(server: "SandboxServer", method: str, path: str, query: dict, body: bytes) -> Reply:
    if method == "GET" and path == "/state":
        return Reply(200, _state(server))
    if method == "GET" and path == "/leads":
        return Reply(200, _leads(server))
    if method == "GET" and path == "/searches":
        return Reply(200, {"searches": [{"asked": asked, "status": status}
                                        for asked, status in server.state.search_log()]})
    if method != "POST" or path not in ("/faults", "/revoke", "/restore", "/storm", "/down", "/reset", "/sync"):
        return error(404, "NOT_FOUND", f"No admin endpoint {method} {path}.")
    try:
        data = json.loads(body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        if path == "/faults":
            server.set_faults(**data)
        elif path in ("/revoke", "/restore"):
            label = data["label"]
            if label not in {t.label for t in server.workspace.tokens}:
                raise ValueError(f"no token labelled {label!r}")
            (server.revoke if path == "/revoke" else server.restore)(label)
        elif path == "/storm":
            server.storm(float(data["seconds"]))
        elif path == "/down":
            seconds = float(data["seconds"])
            # after this answer is written: going down drops every connection, this one too
            asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(server._down(seconds)))
        elif path == "/reset":
            server.state.reset()
        elif path == "/sync":
            if "limit" in data:
                server.set_sync_limit(data["limit"], float(data.get("window_seconds", 1.0)))
            if "script" in data:
                server.script_sync([str(step) for step in data["script"]])
            if "revoke_after" in data:
                server.revoke_sync_token_after(data["revoke_after"])
    except (ValueError, KeyError, TypeError) as exc:
        return bad_request(f"{path[1:]}: {exc}")
    return Reply(200, _state(server))
