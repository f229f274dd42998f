"""The data folder's disk: a full disk, a read-only folder, or a damaged journal, in one sentence.

A run keeps a reserve: the journal refuses to mark a new request as leaving once the disk's free
space falls under `RESERVE_BYTES`, so the answers of requests already on their way always have room
to be written. The run then stops like a cancel (nothing lost, nothing doubled) and says how much
space to free; the same command, or Send in the app, continues it afterwards.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

RESERVE_BYTES = 4 * 1024 * 1024  # kept free for answers of requests on their way
RESERVE_ENV = "TELECRM_DISK_RESERVE_BYTES"  # tests only: a smaller or zero reserve
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class StorageProblem(Exception):
    """The data folder cannot take what must be written; `str()` is one sentence for a person."""


def reserve_bytes() -> int:
    raw = os.environ.get(RESERVE_ENV)
    try:
        return max(0, int(raw)) if raw else RESERVE_BYTES
    except ValueError:
        return RESERVE_BYTES


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def megabytes(n: int) -> str:
    return f"{max(1, -(-n // (1024 * 1024)))} MB"


def full_sentence(folder: Path, needed: int) -> str:
    return (f"the disk of the data folder {folder} is full: free at least {megabytes(needed)} on it, then send "
            "again to continue (nothing sent so far is lost or sent twice)")


def read_only_sentence(folder: Path) -> str:
    return (f"the data folder {folder} cannot be written (it is read-only or belongs to another user): make it "
            "writable, or choose another data folder, then send again")


def explain(exc: BaseException, folder: Path, needed: int = RESERVE_BYTES * 4) -> StorageProblem | None:
    """A StorageProblem for a disk-full or read-only error (OSError or SQLite's), else None."""
    if isinstance(exc, StorageProblem):
        return exc
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return StorageProblem(full_sentence(folder, needed))
        if exc.errno in _READ_ONLY_ERRNOS:
            return StorageProblem(read_only_sentence(folder))
        return None
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "full" in text:  # "database or disk is full"
            return StorageProblem(full_sentence(folder, needed))
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return StorageProblem(read_only_sentence(folder))
        if "disk i/o error" in text:
            space = free_bytes(folder)
            if space is not None and space < reserve_bytes():
                return StorageProblem(full_sentence(folder, needed))
    return None


class GuardedConnection(sqlite3.Connection):
    """A connection whose disk-full and read-only errors are StorageProblems naming the folder."""

    folder: Path = Path(".")

    def _explained(self, exc: Exception):
        problem = explain(exc, self.folder)
        return problem if problem is not None else exc

    def execute(self, *args):
        try:
            return super().execute(*args)
        except (sqlite3.OperationalError, OSError) as exc:
            raise self._explained(exc) from exc

    def executemany(self, *args):
        try:
            return super().executemany(*args)
        except (sqlite3.OperationalError, OSError) as exc:
            raise self._explained(exc) from exc

    def executescript(self, *args):
        try:
            return super().executescript(*args)
        except (sqlite3.OperationalError, OSError) as exc:
            raise self._explained(exc) from exc


# -- a damaged journal --------------------------------------------------------------------------

SQLITE_MAGIC = b"SQLite format 3\x00"


def damage(path: Path) -> str | None:
    """Why the journal file cannot be a whole SQLite database ("not a database", "cut short"), or None.

    Cheap: reads the 100-byte header only. SQLite itself finds other damage when it reads a page.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return None  # new, or created empty by paths.private_file
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        return None
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return "it is not a database"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96]  # the page count is trusted only then
    if header_valid and pages and size < pages * page_size:
        return "it was cut short"
    return None


def set_aside(path: Path, stamp: str) -> Path:
    """Move a damaged journal (and its -wal / -shm) to `<name>.damaged-<stamp>`; returns the copy's path."""
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            try:
                os.replace(source, Path(str(copy) + suffix))
            except FileNotFoundError:  # another process moved it a moment ago
                pass
    return copy
