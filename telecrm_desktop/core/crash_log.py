"""Unexpected exceptions, written for support: the trace goes to a log file in the data folder with
every token scrubbed (known values and anything after "Bearer"), and a person gets one sentence.

Shared by the command line (cli/__init__.py) and the app's crash dialog (gui/crash_report.py).
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import traceback
from pathlib import Path

from telecrm_desktop.core.secrets import redact

_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=:-]{6,}")


def scrub(text: str) -> str:
    """`text` without token values: the ones this process knows, and any Authorization value."""
    return _BEARER.sub(r"\1…", redact(text))


def scrubbed_trace(exc_type, exc, tb) -> str:
    return scrub("".join(traceback.format_exception(exc_type, exc, tb)))


def append_trace(path: Path, exc_type, exc, tb, what: str = "unexpected error") -> Path:
    """Append the scrubbed trace to `path` (created owner-only); returns it."""
    from telecrm_desktop.core.paths import private_file

    with open(private_file(path), "a", encoding="utf-8") as out:
        out.write(f"\n{dt.datetime.now().isoformat(timespec='seconds')} {what}\n")
        out.write(scrubbed_trace(exc_type, exc, tb))
    return path


def record(name: str, exc_type, exc, tb) -> Path | None:
    """The trace in `logs/<name>` of the data folder, else in the temporary folder; None if neither works."""
    from telecrm_desktop.core.paths import logs_dir

    try:
        return append_trace(logs_dir() / name, exc_type, exc, tb)
    except OSError:
        pass
    try:
        return append_trace(Path(tempfile.gettempdir()) / name, exc_type, exc, tb)
    except OSError:
        return None
