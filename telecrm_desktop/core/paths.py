"""Where the app keeps its own files: the journal, settings, schema cache, run results and logs.

`TELECRM_DESKTOP_HOME` wins (tests and portable installs); otherwise the platform's user data
folder. Tokens are never written anywhere under it.

The folder holds every lead's name, phone and e-mail (request bodies in the journal, run
results), so it is private to its owner, as ssh and browsers keep their profiles: the folder and
its subfolders 0700, its files 0600. A folder made by an older version is tightened on first use.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import platformdirs

APP_NAME = "telecrm-desktop"
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600

log = logging.getLogger(__name__)

_tightened: set[Path] = set()  # data folders already checked by this process


def _posix() -> bool:
    return os.name == "posix"  # Windows keeps a profile private by its ACLs, not mode bits


def make_private(path: Path | str) -> None:
    """Owner-only access for one file or folder (best effort: a file we do not own stays as is)."""
    if not _posix():
        return
    path = Path(path)
    try:
        mode = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def private_file(path: Path | str) -> Path:
    """Create `path` (empty) with owner-only access if it does not exist yet; returns it.

    Creating it before a library opens it (SQLite, a log handler) means it is never readable by
    others, not even for a moment; SQLite gives its -wal and -shm files the database's mode.
    """
    path = Path(path)
    if _posix():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE))
        except OSError:
            return path  # the caller's own open says what is wrong, in its words
        make_private(path)
    return path


def tighten(folder: Path) -> int:
    """Make `folder` and everything in it owner-only; returns how many entries were changed."""
    if not _posix():
        return 0
    changed = 0
    for root, dirs, files in os.walk(folder):
        for name, mode in [(root, PRIVATE_DIR)] + [(os.path.join(root, f), PRIVATE_FILE) for f in files]:
            try:
                st = os.lstat(name)
                if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) == mode:
                    continue
                os.chmod(name, mode)
                changed += 1
            except OSError:
                pass
    return changed


def _note(home: Path, line: str) -> None:
    """One line in logs/data-folder.log (and the logging system): nothing for a person to act on."""
    log.info("%s", line)
    try:
        logs = private_dir(home / "logs")
        import datetime as dt

        with open(private_file(logs / "data-folder.log"), "a", encoding="utf-8") as out:
            out.write(f"{dt.datetime.now().isoformat(timespec='seconds')} {line}\n")
    except OSError:
        pass


def private_dir(folder: Path) -> Path:
    """Create `folder` (and missing parents inside the data folder) owner-only."""
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private(folder)
    return folder


def data_home() -> Path:
    """The data folder, created owner-only on first use (and tightened if it was not)."""
    configured = os.environ.get("TELECRM_DESKTOP_HOME")
    home = Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if home not in _tightened:
        home.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        changed = tighten(home)
        if changed:
            _note(home, f"the data folder {home} was readable by other users: made {changed} "
                        "entries in it private to you (folders 0700, files 0600)")
        _tightened.add(home)
    else:
        home.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return home


def spool_dir() -> Path:
    """Where the app keeps a big sheet's rows and a check's spools while it runs (`spool/`): in the
    owner-only data folder on disk, not a temporary folder that may live in memory (tmpfs)."""
    return private_dir(data_home() / "spool")


def clear_spool() -> int:
    """Remove what a killed app left in `spool/` (only the first window of a data folder calls it:
    the files of a window still open would go too); returns how many files went."""
    folder = data_home() / "spool"
    removed = 0
    for leftover in folder.glob("telecrm-*") if folder.is_dir() else ():
        try:
            leftover.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def journal_path() -> Path:
    return data_home() / "journal.sqlite3"


def logs_dir() -> Path:
    return private_dir(data_home() / "logs")


def run_dir(run_id: int) -> Path:
    """The folder holding one send run's result files (`runs/<run id>/`)."""
    private_dir(data_home() / "runs")
    return private_dir(data_home() / "runs" / str(run_id))
