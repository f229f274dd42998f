"""Which Async and Sync API roots are in use, and why: the command line and the app decide alike.

An address in the environment (TELECRM_ASYNC_URL, TELECRM_SYNC_URL) wins for that process only;
else the one the person chose (a command-line flag, or the app's setting); else telecrm's own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from telecrm_desktop.core.send.client import DEFAULT_BASE_URL
from telecrm_desktop.core.workspace.sync_client import DEFAULT_SYNC_URL

ASYNC_URL_ENV = "TELECRM_ASYNC_URL"
SYNC_URL_ENV = "TELECRM_SYNC_URL"

FROM_ENVIRONMENT = "environment"
CHOSEN = "chosen"
DEFAULT = "default"


@dataclass(frozen=True)
class ApiAddress:
    url: str
    origin: str  # FROM_ENVIRONMENT, CHOSEN or DEFAULT
    variable: str  # the environment variable that can override it
    default: str

    @property
    def is_default(self) -> bool:
        return self.url.rstrip("/") == self.default

    def problem(self) -> str | None:
        """Why this address cannot be used (one sentence naming where it came from), or None."""
        from telecrm_desktop.core.addresses import check_api_root

        try:
            check_api_root(self.url, example=self.default, name="API address")
        except ValueError as exc:
            where = (f"{self.variable} (set for this launch)" if self.origin == FROM_ENVIRONMENT
                     else "The address chosen")
            return f"{where} cannot be used: {exc}"
        return None


def _address(variable: str, chosen: str | None, default: str) -> ApiAddress:
    from_env = os.environ.get(variable, "").strip()
    if from_env:
        return ApiAddress(from_env, FROM_ENVIRONMENT, variable, default)
    chosen = (chosen or "").strip()
    if chosen and chosen.rstrip("/") != default:
        return ApiAddress(chosen, CHOSEN, variable, default)
    return ApiAddress(default, DEFAULT, variable, default)


def async_address(chosen: str | None = None) -> ApiAddress:
    return _address(ASYNC_URL_ENV, chosen, DEFAULT_BASE_URL)


def sync_address(chosen: str | None = None) -> ApiAddress:
    return _address(SYNC_URL_ENV, chosen, DEFAULT_SYNC_URL)
