"""The sandbox workspace: a loopback stand-in for telecrm (Async endpoint, Sync schema, lead/search, faults).

Imports only the standard library and h11 (no Qt, no httpx), so the app can embed it cheaply.
"""

from .embedded import embedded_sandbox, stop_embedded_sandbox
from .faults import Faults
from .server import SYNC_ROOT, SandboxServer
from .state import SandboxState, max_in_window
from .workspace import DEFAULT_WORKSPACE_FILE, SandboxToken, Workspace, load_workspace

__all__ = [
    "DEFAULT_WORKSPACE_FILE",
    "Faults",
    "embedded_sandbox",
    "stop_embedded_sandbox",
    "SYNC_ROOT",
    "SandboxServer",
    "SandboxState",
    "SandboxToken",
    "Workspace",
    "load_workspace",
    "max_in_window",
]
