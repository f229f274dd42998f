"""The sandbox workspace as a destination: the embedded telecrm stand-in, started once per process
on loopback, with its own enterprise ID and tokens (nothing leaves this computer)."""

from __future__ import annotations

import threading

_lock = threading.Lock()
# telecrm's documented limit per token; the sandbox enforces it like telecrm does
SANDBOX_RATE_PER_WINDOW = 18_000
SANDBOX_WINDOW = 3600.0
_server = None


class SandboxUnavailable(Exception):
    pass


def sandbox_server():
    """The running embedded sandbox server (started on first use)."""
    global _server
    with _lock:
        if _server is None:
            try:
                from telecrm_desktop.sandbox import SandboxServer
            except ImportError as exc:
                raise SandboxUnavailable("The sandbox workspace is not available in this build.") from exc
            # with the workspace's few existing leads, so that import modes and overwrite rules can be tried
            server = SandboxServer(rate_limit=SANDBOX_RATE_PER_WINDOW, window_seconds=SANDBOX_WINDOW,
                                   existing_leads=True)
            server.start()
            _server = server
        return _server


def sandbox_destination():
    from telecrm_desktop.core.secrets import ASYNC, Token
    from telecrm_desktop.gui.bridge.destination import Destination

    server = sandbox_server()
    tokens = [Token(t.label, ASYNC, t.value) for t in server.async_tokens]
    return Destination(server.enterprise_id, server.base_url, tokens)


def tune_for_sandbox(settings) -> None:
    """The sandbox's rate limit may be scaled down; pace to it rather than to telecrm's."""
    settings.rate_per_hour = SANDBOX_RATE_PER_WINDOW
    settings.window = SANDBOX_WINDOW


def stop_sandbox() -> None:
    global _server
    with _lock:
        if _server is not None:
            try:
                _server.stop()
            finally:
                _server = None
