"""A send run's log: the engine's events (tokens refused, telecrm out of reach and back, why it
stopped), one timestamped line each, kept as `runs/<run id>/events.log` beside the run's result
files, so the Results step can show them for any past run. Never holds a token."""

from __future__ import annotations

import logging
import time

from telecrm_desktop.core import paths
from telecrm_desktop.core.secrets import redact

log = logging.getLogger(__name__)
FILE_NAME = "events.log"


def append(run_id: int, text: str) -> None:
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')}  {redact(' '.join(text.split()))}\n"
    log.info("run %s: %s", run_id, line.strip())
    try:
        with (paths.run_dir(run_id) / FILE_NAME).open("a", encoding="utf-8") as f:
            f.write(line)
    except OSError as exc:  # the log is a convenience: sending goes on without it
        log.warning("run %s: its log could not be written (%s)", run_id, exc)


def lines(run_id: int) -> list[str]:
    try:
        return (paths.data_home() / "runs" / str(run_id) / FILE_NAME).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def outage_lines(run_id: int) -> list[str]:
    """The lines saying telecrm could not be reached, and when it could again."""
    from telecrm_desktop.core.send.engine import OUTAGE_ENDED, OUTAGE_STARTED

    return [line for line in lines(run_id)
            if OUTAGE_STARTED in line or OUTAGE_ENDED in line or "could not be reached for" in line]
