"""Where the app keeps its own files: the journal, settings, schema cache, run results and logs.

`TELECRM_DESKTOP_HOME` wins (tests and portable installs); otherwise the platform's user data
folder. Tokens are never written anywhere under it.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "telecrm-desktop"


def data_home() -> Path:
    """The data folder, created on first use."""
    configured = os.environ.get("TELECRM_DESKTOP_HOME")
    home = Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    home.mkdir(parents=True, exist_ok=True)
    return home


def journal_path() -> Path:
    return data_home() / "journal.sqlite3"


def logs_dir() -> Path:
    folder = data_home() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_dir(run_id: int) -> Path:
    """The folder holding one send run's result files (`runs/<run id>/`)."""
    folder = data_home() / "runs" / str(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
