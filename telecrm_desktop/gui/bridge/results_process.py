"""A run's result files written in a child process, as the engine sends in one (engine_process.py).

Writing results.xlsx for a million rows is minutes of Python work; in a thread of the window's
process it held the interpreter lock the GUI thread needs (stalls of 200-700 ms were measured while
a 100,000-row run's files were written). The child reads the run's file again the way the run
recorded it (recorded_run.recorded_file: the same sheet, header row, encoding and corrections, and
only when the file is unchanged), so nothing the window holds in memory is needed. It imports no Qt.
"""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

log = logging.getLogger(__name__)

WAIT_POLL = 0.2  # seconds between the parent's looks at a child that may have died


def _child(journal_path: str, run_id: int, folder: str, conn) -> None:
    import os
    import traceback

    if hasattr(os, "nice"):  # the window comes first on a busy computer
        try:
            os.nice(5)
        except OSError:
            pass
    try:
        from telecrm_desktop.core.send import runs
        from telecrm_desktop.core.send.journal import Journal
        from telecrm_desktop.gui.bridge.existing_leads import run_existing_map
        from telecrm_desktop.gui.bridge.recorded_run import recorded_file

        with Journal(Path(journal_path)) as journal:
            recorded = recorded_file(journal.run(run_id))
            if recorded.rows is None:
                conn.send(("unreadable", recorded.sentence))
                return
            runs.write_results(journal, run_id, Path(folder), headers=recorded.headers, data_rows=recorded.rows(),
                               raw_headers=recorded.raw_headers, header_row=recorded.header_row,
                               existing=run_existing_map(journal, run_id))
        conn.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which writes the files itself
        from telecrm_desktop.core.secrets import redact

        conn.send(("error", redact(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")))
    finally:
        conn.close()


def write_results_in_process(journal_path: Path, run_id: int, folder: Path) -> tuple[str, str | None]:
    """("done", None) once the files are written; ("unreadable", sentence) when the run's file cannot
    be read again as it was; ("error", details) when the child failed. Blocks the calling (worker)
    thread, which waits without holding the interpreter lock."""
    ctx = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, name="telecrm-results", args=(str(journal_path), run_id, str(folder),
                                                                        child_conn), daemon=True)
    process.start()
    child_conn.close()
    try:
        while not parent_conn.poll(WAIT_POLL):
            if not process.is_alive() and not parent_conn.poll(0):
                return "error", f"the process writing the result files ended with code {process.exitcode}"
        try:
            kind, detail = parent_conn.recv()
        except EOFError:
            return "error", "the process writing the result files ended without a word"
        if kind == "error":
            log.warning("writing the result files in a child process failed: %s", detail)
        return kind, detail
    finally:
        process.join(10)
        parent_conn.close()
