"""Runs `telecrm-import check` on many files, each in a forked child of one process that imported
the program once (fork costs milliseconds, a fresh interpreter seconds): exit status, output, wall
time and peak memory (wait4) per file, one JSON line each on standard output.

    python -m tests.hardening.check_runner MAPPING.json TIMEOUT FILE[::read] ...

`FILE::read` reads every row through open_sheet + read_table instead of a whole check (for files
whose conversion would take minutes; the reader is what a hostile file attacks).
A child that runs past TIMEOUT seconds is killed and reported as a hang.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback

from telecrm_desktop.cli import main
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.table import SourceError

ADDRESS_SPACE_CAP = 6 * 1024 ** 3  # keeps a runaway child from taking the machine down with it


def read_every_row(path: str) -> int:
    try:
        table = read_table(open_sheet(path))
        rows = sum(1 for _ in table.rows())
    except SourceError as error:
        print(f"telecrm-import: {error}", file=sys.stderr)
        return 2
    print(f"read: {rows} rows")
    return 0


def child(path: str, read_only: bool, mapping: str, out: int, err: int) -> None:
    os.dup2(out, 1)
    os.dup2(err, 2)
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))
    try:
        code = read_every_row(path) if read_only else main(["check", path, "--mapping", mapping])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # what the console script would print: a traceback
        traceback.print_exc()
        code = 99
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_one(spec: str, mapping: str, timeout: float) -> dict:
    path, _, mode = spec.partition("::")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            child(path, mode == "read", mapping, out.fileno(), err.fileno())
        hung = False
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - started > timeout:
                hung = True
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.01)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return {
            "path": path, "hung": hung, "seconds": round(seconds, 2),
            "exit": os.waitstatus_to_exitcode(status), "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "stdout": out.read().decode("utf-8", "replace")[-4000:],
            "stderr": err.read().decode("utf-8", "replace")[-4000:],
        }


def warm_up(mapping: str) -> None:
    """Check one small sheet here, so that every child starts with the lazy imports and caches
    (phone metadata, time zones) already loaded, as a long-running program would."""
    with tempfile.TemporaryDirectory() as folder:
        sheet = os.path.join(folder, "warm.csv")
        with open(sheet, "w", encoding="utf-8") as f:
            f.write("Name,Phone\nAsha,9876543210\n")
        saved = os.dup(1), os.dup(2)
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
            try:
                main(["check", sheet, "--mapping", mapping])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)


if __name__ == "__main__":
    mapping_path, limit, *specs = sys.argv[1:]
    warm_up(mapping_path)
    for spec in specs:
        print(json.dumps(run_one(spec, mapping_path, float(limit))), flush=True)
