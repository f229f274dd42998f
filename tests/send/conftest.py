"""Shared set-up for the sending tests: a sandbox on loopback, a journal with a run of leads."""

from __future__ import annotations

from pathlib import Path

import pytest

from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.secrets import Token
from telecrm_desktop.core.send.engine import SendEngine, SendSettings, SendSummary
from telecrm_desktop.core.send.runs import new_lead
from telecrm_desktop.sandbox import Faults, SandboxServer

WINDOW = 2.0
LIMIT = 40  # per token per window: 20 requests a second


def phone(i: int) -> str:
    return f"9198{i:08d}"


def body(i: int, actions: bool) -> dict:
    b: dict = {"fields": {"phone": phone(i), "name": f"Lead {i}"}}
    if actions:
        b["actions"] = [{"type": "ACTION_1001", "fields": {"note": f"visit {i}"}}]
    return b


@pytest.fixture
def start_sandbox():
    servers = []

    def start(**kwargs) -> SandboxServer:
        kwargs.setdefault("rate_limit", LIMIT)
        kwargs.setdefault("window_seconds", WINDOW)
        if isinstance(kwargs.get("faults"), dict):
            kwargs["faults"] = Faults(**kwargs["faults"])
        server = SandboxServer(**kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def tokens_of(sandbox: SandboxServer, n: int = 3) -> list[Token]:
    return [Token(t.label, "async", t.value) for t in sandbox.async_tokens[:n]]


def make_run(journal_path: Path, enterprise: str, count: int, *, actions_every: int = 2, start: int = 0) -> int:
    """A run of `count` leads; every `actions_every`-th lead carries an action (0: none do)."""
    with Journal(journal_path) as journal:
        run = journal.start_run(enterprise, "leads.csv", f"file-{start}-{count}", "template")
        journal.add_leads(run.id, enterprise, [
            new_lead(phone(i), [i + 2], body(i, bool(actions_every) and i % actions_every == 0))
            for i in range(start, start + count)
        ])
        return run.id


def fast_settings(**changes) -> SendSettings:
    settings = SendSettings(rate_per_hour=LIMIT, window=WINDOW, retry_base=0.05, retry_cap=0.4,
                            rate_limited_base=0.2, read_timeout=1.0, connect_timeout=1.0, progress_interval=0.05)
    for name, value in changes.items():
        setattr(settings, name, value)
    return settings


def send(journal_path: Path, run_id: int, sandbox: SandboxServer, tokens=None, **kwargs) -> SendSummary:
    settings = kwargs.pop("settings", None) or fast_settings()
    engine = SendEngine(journal_path, run_id, enterprise_id=sandbox.enterprise_id, base_url=sandbox.base_url,
                        tokens=tokens if tokens is not None else tokens_of(sandbox), settings=settings, **kwargs)
    return engine.run()


def lead_states(journal_path: Path, run_id: int) -> dict[str, tuple[str, bool]]:
    """identifier -> (status, has actions)"""
    with Journal(journal_path) as journal:
        return {r["identifier"]: (r["status"], bool(r["has_actions"])) for r in
                journal.db.execute("SELECT identifier, status, has_actions FROM leads WHERE run_id=?", (run_id,))}
