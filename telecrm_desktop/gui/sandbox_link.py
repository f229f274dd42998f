"""The sandbox workspace as a destination: the embedded telecrm stand-in, started once per process
on loopback, with its own enterprise ID and tokens (nothing leaves this computer)."""

from __future__ import annotations

import threading

_lock = threading.Lock()
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
            server = SandboxServer()
            server.start()
            _server = server
        return _server


def sandbox_destination():
    from telecrm_desktop.core.secrets import ASYNC, Token
    from telecrm_desktop.gui.pipeline_bridge import Destination

    server = sandbox_server()
    tokens = [Token(f"sandbox-{i}", ASYNC, value) for i, value in enumerate(server.async_tokens, start=1)]
    return Destination(server.enterprise_id, server.base_url, tokens)


def tune_for_sandbox(settings) -> None:
    """The sandbox's rate limit may be scaled down; pace to it rather than to telecrm's."""
    server = _server
    if server is None:
        return
    limit = getattr(server, "rate_per_window", None)
    window = getattr(server, "window_seconds", None)
    if limit:
        settings.rate_per_hour = int(limit)
    if window:
        settings.window = float(window)


def stop_sandbox() -> None:
    global _server
    with _lock:
        if _server is not None:
            try:
                _server.stop()
            finally:
                _server = None
