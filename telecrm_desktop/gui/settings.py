"""Where the app keeps its things: the data folder, the log folder and the QSettings store.

TELECRM_DESKTOP_HOME (the same variable the command line honours) moves all of them into one
folder, which is how tests and portable installs keep the user's real settings untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from telecrm_desktop.core.paths import data_home, logs_dir

ORGANISATION = "telecrm"
APPLICATION = "telecrm-desktop"


def data_dir() -> Path:
    return data_home()


def log_dir() -> Path:
    return logs_dir()


def app_settings() -> QSettings:
    """The settings store: an ini file in TELECRM_DESKTOP_HOME when set, else the OS's native one."""
    if os.environ.get("TELECRM_DESKTOP_HOME"):
        return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def recent_files(limit: int = 8) -> list[str]:
    value = app_settings().value("open/recent", [])
    if isinstance(value, str):  # QSettings collapses a one-item list to a string in ini files
        value = [value]
    return [v for v in (value or []) if v][:limit]


def remember_recent_file(path: str, limit: int = 8) -> None:
    files = [path] + [p for p in recent_files(limit) if p != path]
    app_settings().setValue("open/recent", files[:limit])
