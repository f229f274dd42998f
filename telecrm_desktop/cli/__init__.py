"""telecrm-import: argument parsing and printing only; the work is done by telecrm_desktop.core.

Each sub-command lives in its own module exposing `add_parser(subparsers)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from telecrm_desktop import __version__
from telecrm_desktop.core.send.run_claim import RunBusy
from telecrm_desktop.core.storage import StorageProblem

# sub-command -> module under telecrm_desktop.cli
COMMANDS = {
    "check": "check",
    "send": "send",
    "tokens": "tokens",
    "schema": "schema",
    "history": "history",
    "sandbox": "sandbox",
}

EXIT_OK, EXIT_ROWS_NEED_ATTENTION, EXIT_USAGE, EXIT_NO_TOKEN_LEFT = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with how the command was called or with its input files: exit 2, one clear line."""


def _named_command(argv: list[str] | None) -> str | None:
    """The sub-command `argv` asks for (the first word that is not an option), if it is one."""
    for word in argv or ():
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the command line `argv`, only the sub-command it names is imported (the
    others pull in httpx, keyring and more: start-up time a `check` does not need)."""
    parser = argparse.ArgumentParser(
        prog="telecrm-import",
        description="Check and send leads from Excel and CSV files to telecrm.",
    )
    parser.add_argument("--version", action="version", version=f"telecrm-import {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    named = _named_command(argv)
    for name, module_name in COMMANDS.items():
        if named is not None and name != named:
            continue
        module = importlib.import_module(f"telecrm_desktop.cli.{module_name}")
        module.add_parser(subparsers)
    return parser


CRASH_LOG = "telecrm-import-errors.log"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    logging.raiseExceptions = False  # a log file on a full disk must not print a trace of its own
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(f"telecrm-import: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (RunBusy, StorageProblem) as exc:  # another sender of the sheet; the data folder's disk
        print(f"telecrm-import: {exc}", file=sys.stderr)
        return EXIT_ROWS_NEED_ATTENTION
    except KeyboardInterrupt:
        print("telecrm-import: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a person never sees a traceback: one sentence and a log
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    from telecrm_desktop.core import crash_log, paths, storage

    try:
        folder = paths.data_home()
    except OSError:
        folder = None
    problem = storage.explain(exc, folder) if folder is not None else None
    if problem is None and isinstance(exc, OSError) and exc.filename:  # e.g. the data folder's parent
        where = Path(exc.filename)
        problem = storage.explain(exc, where if not where.is_file() else where.parent)
    if problem is not None:
        print(f"telecrm-import: {problem}", file=sys.stderr)
        return EXIT_ROWS_NEED_ATTENTION
    log = crash_log.record(CRASH_LOG, type(exc), exc, exc.__traceback__)
    where = f"the details are in {log}" if log else "the details could not be written to a log file"
    print(f"telecrm-import: stopped by an unexpected problem ({type(exc).__name__}); nothing sent so far is "
          f"lost: running the same command again continues. {where[:1].upper() + where[1:]}; please send that "
          "file to support.", file=sys.stderr)
    return EXIT_ROWS_NEED_ATTENTION


if __name__ == "__main__":
    sys.exit(main())
