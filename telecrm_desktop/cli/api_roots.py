"""The API roots a command talks to: its flag, else the environment variable, else telecrm's own.

(The app puts the environment first: its chosen address is a saved setting, a flag is not.)
The Sync client is imported only when a command needs the Sync API: a plain `check` stays quick.
"""

from __future__ import annotations

import os

from telecrm_desktop.cli import UsageError


def async_root(flag: str | None) -> str:
    """The checked Async API root; a UsageError naming --base-url when it cannot be used."""
    from telecrm_desktop.core.endpoints import ASYNC_URL_ENV
    from telecrm_desktop.core.send.client import DEFAULT_BASE_URL, check_base_url

    try:
        return check_base_url(flag or os.environ.get(ASYNC_URL_ENV) or DEFAULT_BASE_URL)
    except ValueError as exc:
        raise UsageError(f"--base-url: {exc}") from None


def sync_root(flag: str | None) -> str:
    """The checked Sync API root; a UsageError naming --sync-url when it cannot be used."""
    from telecrm_desktop.core.endpoints import SYNC_URL_ENV
    from telecrm_desktop.core.workspace.sync_client import DEFAULT_SYNC_URL, check_sync_url

    try:
        return check_sync_url(flag or os.environ.get(SYNC_URL_ENV) or DEFAULT_SYNC_URL)
    except ValueError as exc:
        raise UsageError(f"--sync-url: {exc}") from None
