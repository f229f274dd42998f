"""A sandbox per module (the Sync side is read-only), a private data folder per test, and a raw
loopback server for the answers the sandbox never gives on the Sync API (5xx, silence, HTML)."""

from __future__ import annotations

import socket
import threading

import pytest

from telecrm_desktop.core.secrets import SYNC, Token
from telecrm_desktop.core.workspace.sync_client import SyncClient
from telecrm_desktop.sandbox import SandboxServer


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture
def sync_token(sandbox) -> Token:
    return Token("sync-1", SYNC, sandbox.sync_token.value)


@pytest.fixture
def client(sandbox, sync_token):
    with SyncClient(sandbox.sync_url, sandbox.enterprise_id, sync_token, retry_wait=0.05) as c:
        yield c


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    for name in ("TELECRM_SYNC_TOKEN", "TELECRM_SYNC_URL", "TELECRM_ASYNC_TOKENS"):
        monkeypatch.delenv(name, raising=False)
    return home


class RawServer:
    """Answers each connection with the next scripted raw HTTP reply (None: read, then stay silent)."""

    def __init__(self, replies: list[bytes | None]):
        self.replies = list(replies)
        self.requests = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/autoupdate/v2"
        self._open: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._open.append(conn)
            conn.recv(65536)
            reply = self.replies[min(self.requests, len(self.replies) - 1)]
            self.requests += 1
            if reply is not None:
                conn.sendall(reply)
                conn.close()

    def close(self):
        self.listener.close()
        for conn in self._open:
            conn.close()


def http_reply(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    return (f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


@pytest.fixture
def raw_server():
    servers = []

    def make(replies):
        server = RawServer(replies)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


# The real Secret Service (gnome-keyring in a private D-Bus session) for the keyring tests.
from tests.keyring_session import keyring_daemons, secret_service  # noqa: E402,F401
