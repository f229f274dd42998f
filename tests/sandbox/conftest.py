"""A fresh sandbox per test (it starts in a few milliseconds) and small helpers to talk to it over HTTP."""

from __future__ import annotations

import httpx
import pytest

from telecrm_desktop.sandbox import SandboxServer


_shared_http: httpx.Client | None = None


def shared_http() -> httpx.Client:
    """One client for the whole run: building an httpx.Client costs ~80 ms (its TLS context)."""
    global _shared_http
    if _shared_http is None:
        _shared_http = httpx.Client(timeout=5.0)
    return _shared_http


class Talk:
    """Real HTTP to one sandbox: Async posts with a token label, Sync calls with the Sync token."""

    def __init__(self, sandbox: SandboxServer):
        self.sandbox = sandbox
        self.http = shared_http()
        self.async_url = f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead"
        self.sync_root = f"{sandbox.sync_url}/enterprise/{sandbox.enterprise_id}"

    def post(self, body, label="sandbox-async-1", **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.sandbox.token(label).value}"}
        if isinstance(body, (bytes, str)):
            return self.http.post(self.async_url, content=body, headers=headers, **kwargs)
        return self.http.post(self.async_url, json=body, headers=headers, **kwargs)

    def sync_get(self, resource: str, label="sandbox-sync", **params) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.sandbox.token(label).value}"}
        return self.http.get(f"{self.sync_root}/{resource}", params=params, headers=headers)

    def search(self, fields: dict, label="sandbox-sync", **params) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.sandbox.token(label).value}"}
        return self.http.post(f"{self.sync_root}/lead/search", params=params, json={"fields": fields}, headers=headers)

    def processed(self):
        assert self.sandbox.state.wait_processed(5), "the sandbox did not process its queue"
        return self.sandbox.state


@pytest.fixture(scope="session", autouse=True)
def _close_shared_http():
    yield
    if _shared_http is not None:
        _shared_http.close()


@pytest.fixture
def sandbox():
    with SandboxServer(rate_limit=50, window_seconds=2.0) as server:
        yield server


@pytest.fixture
def talk(sandbox):
    return Talk(sandbox)


class SteppedClock:
    """The sandbox's rate-limit and storm clock (SandboxServer.clock), moved only by the test, so
    each assert about a window holds whatever the load."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now
