"""The sandbox the app and the command line use when no real workspace is set: one per process.

Started on first use on a free loopback port, with telecrm's real limit (18,000 an hour per
token), and stopped when the process exits. Its leads live only in memory.
"""

from __future__ import annotations

import atexit
import threading

from .server import SandboxServer

_lock = threading.Lock()
_server: SandboxServer | None = None


def embedded_sandbox() -> SandboxServer:
    global _server
    with _lock:
        if _server is None:
            _server = SandboxServer().start()
            atexit.register(stop_embedded_sandbox)
        return _server


def stop_embedded_sandbox() -> None:
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None
