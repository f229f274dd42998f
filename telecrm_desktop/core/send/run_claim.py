"""One writer per run: an OS file lock beside the journal, held while a run is prepared and sent.

Two claims guard a run. The sheet's claim (workspace + file + template) is taken before a run is
looked up or started and held until its results are written, so two windows, a window and a
scheduled job, or two command lines given the same sheet cannot both start or resume it. The
run's claim (its id) is held by whichever process runs the engine (the app runs it in a child
process), so an engine left running by a killed window still keeps a second one out.

The locks are the operating system's (flock, or msvcrt on Windows): they belong to the open file,
so a process that dies, even by kill -9, lets go of them at once and nothing stale is left behind.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

BUSY_SENTENCE = "this import is already being sent by another window/process"


class RunBusy(Exception):
    """Another process holds the claim; `str()` is the sentence for a person."""


def _lock_dir(journal_path: Path | str) -> Path:
    from telecrm_desktop.core.paths import private_dir

    return private_dir(Path(journal_path).parent / "locks")


class RunClaim:
    """A held claim; release() (or leaving the `with` block) lets the next sender in."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd < 0:
            return
        try:
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = -1

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def __enter__(self) -> "RunClaim":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _claim(path: Path, what: str) -> RunClaim:
    from telecrm_desktop.core.paths import PRIVATE_FILE

    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        _try_lock(fd)
    except BlockingIOError:
        os.close(fd)
        raise RunBusy(f"{BUSY_SENTENCE} ({what}); wait for it to finish, or stop it there") from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())  # for a person looking: which process holds it
    return RunClaim(path, fd)


def claim_sheet(journal_path: Path | str, enterprise_id: str, file_fp: str, template_fp: str) -> RunClaim:
    """The claim on sending one sheet with one template to one workspace; RunBusy when taken."""
    key = hashlib.sha256(f"{enterprise_id}\0{file_fp}\0{template_fp}".encode()).hexdigest()[:32]
    return _claim(_lock_dir(journal_path) / f"sheet-{key}.lock", "the same sheet and template")


def claim_run(journal_path: Path | str, run_id: int) -> RunClaim:
    """The claim on running the engine for one journal run; RunBusy when taken."""
    return _claim(_lock_dir(journal_path) / f"run-{int(run_id)}.lock", f"run {run_id}")


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BlockingIOError(str(exc)) from None

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
