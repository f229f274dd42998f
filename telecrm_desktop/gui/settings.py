"""Where the app keeps its things: the data folder, the log folder and the QSettings store.

TELECRM_DESKTOP_HOME (the same variable the command line honours) moves all of them into one
folder, which is how tests and portable installs keep the user's real settings untouched.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QSettings

from telecrm_desktop.core.paths import data_home, logs_dir, make_private, private_file

ORGANISATION = "telecrm"
APPLICATION = "telecrm-desktop"


def data_dir() -> Path:
    return data_home()


def log_dir() -> Path:
    return logs_dir()


def app_settings() -> QSettings:
    """The settings store: an ini file in TELECRM_DESKTOP_HOME when set, else the OS's native one."""
    if os.environ.get("TELECRM_DESKTOP_HOME"):
        return QSettings(str(private_file(data_dir() / "settings.ini")), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


# The recent files as last written, per settings store: the list is written to disk in a
# background thread (the ini file's lock and write once took 400 ms of the GUI thread while
# another process kept the disk busy), so reading it back must not go to the file meanwhile.
_recent: dict[str, list[str]] = {}
_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="settings-writer")  # writes in order


def _store_key() -> str:
    return os.environ.get("TELECRM_DESKTOP_HOME", "")


def recent_files(limit: int = 8) -> list[str]:
    key = _store_key()
    if key not in _recent:
        value = app_settings().value("open/recent", [])
        if isinstance(value, str):  # QSettings collapses a one-item list to a string in ini files
            value = [value]
        _recent[key] = [v for v in (value or []) if v]
    return _recent[key][:limit]


def remember_recent_file(path: str, limit: int = 8) -> Future:
    """Puts `path` first in the recent files at once; the settings file is written in the
    background (the returned future says when)."""
    files = ([path] + [p for p in recent_files(limit) if p != path])[:limit]
    _recent[_store_key()] = files
    return _writer.submit(_write_setting, _store_key(), "open/recent", list(files))


def _write_setting(key: str, name: str, value) -> None:
    settings = (QSettings(str(Path(key).expanduser() / "settings.ini"), QSettings.Format.IniFormat) if key
                else QSettings(ORGANISATION, APPLICATION))
    settings.setValue(name, value)
    settings.sync()
    if key:  # Qt writes a new file and renames it over the old one: with the default mode
        make_private(settings.fileName())
