"""One measurement per process: `python -m bench.worker TASK ARGS...` prints one JSON line.

The printed `seconds` covers the work only, not the interpreter's start-up or imports.
"""

from __future__ import annotations

import json
import os
import sys
import time


def xlsx_baseline(path: str) -> dict:
    """What a plain openpyxl read-only loop costs on the same file."""
    from openpyxl import load_workbook

    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "cells": cells}


def csv_baseline(path: str) -> dict:
    """Python's csv module reading every record."""
    import csv

    started, cpu = time.perf_counter(), time.process_time()
    with open(path, newline="", encoding="utf-8") as handle:
        cells = sum(len(record) for record in csv.reader(handle))
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "cells": cells}


def read_records(path: str) -> dict:
    """Every record of a workbook through the core's reader (calamine or, for a sheet too big
    for it, the xlsx stream), as the app and `check` read it."""
    from telecrm_desktop.core.sources import open_sheet

    started, cpu = time.perf_counter(), time.process_time()
    source = open_sheet(path)
    records = cells = 0
    for record in source.records():
        records += 1
        cells += len(record.cells)
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
            "records": records, "cells": cells, "streamed": bool(source._uses_stream()),
            "load_average": os.getloadavg()[0]}


def to_requests(path: str, mapping_path: str) -> dict:
    """File -> validated requests through the core, as `telecrm-import check --payloads` does it
    (rows converted on every core for a big file: core.check.parallel)."""
    from telecrm_desktop.core.template.mapping import load_mapping
    from telecrm_desktop.core.check.merge import LeadMerger
    from telecrm_desktop.core.check.parallel import checked_rows
    from telecrm_desktop.core.check.pipeline import RowPlan
    from telecrm_desktop.core.sources import open_sheet, read_table

    started, cpu = time.perf_counter(), time.process_time()
    mapping = load_mapping(mapping_path)
    table = read_table(open_sheet(path, sheet=mapping.sheet), mapping.header_row)
    plan = RowPlan(table.headers, mapping)
    rows = ready = 0
    with LeadMerger(mode="bounded") as merger:
        for result in checked_rows(table, plan, bodies=True):
            rows += 1
            ready += result.status == "ready"
            if result.key is not None:
                merger.add_text(result.key, result.row, result.identifier, result.body_json)
        leads = sum(1 for _ in merger.payload_lines())
    return {"seconds": time.perf_counter() - started, "main_cpu_seconds": time.process_time() - cpu,
            "rows": rows, "ready": ready, "leads": leads}


def first_view(path: str) -> dict:
    from bench.gui import first_view as measure

    return measure(path)


def gui_stall(big_path: str, send_path: str) -> dict:
    from bench.gui import stall

    return stall(big_path, send_path)


def send_paced(limit: str, window: str, windows: str, journal_dir: str) -> dict:
    """3 tokens through the engine against a scaled rolling window with 20-100 ms latency."""
    from bench.sending import engine_send, max_in_window, sandbox_process, steady_rate
    from telecrm_desktop.core.send.engine import SendSettings

    limit_, window_ = int(limit), float(window)
    count = 3 * limit_ * int(windows)
    with sandbox_process(limit=limit_, window=window_, latency=(0.02, 0.1)) as server:
        out = engine_send(server.base_url, _fresh_journal(journal_dir), count,
                          SendSettings(rate_per_hour=limit_, window=window_))
        report = server.report()
    allowed = 3 * limit_ / window_
    out.update(steady_rate=steady_rate(report["accepted"]), allowed=allowed, server_429s=report["rate_limited"],
               max_in_window=max_in_window(report["accepted"], window_))
    return out


def naive_paced(limit: str, window: str, windows: str) -> dict:
    """The baseline: one token, sequential requests, against the same limit and latency."""
    from bench.sending import max_in_window, naive_send, sandbox_process, steady_rate

    limit_, window_ = int(limit), float(window)
    with sandbox_process(limit=limit_, window=window_, latency=(0.02, 0.1)) as server:
        out = naive_send(server.base_url, limit_ * int(windows))
        report = server.report()
    out.update(steady_rate=steady_rate(report["accepted"]), allowed=limit_ / window_,
               server_429s=report["rate_limited"], max_in_window=max_in_window(report["accepted"], window_))
    return out


def engine_ceiling(count: str, journal_dir: str, fast_journal: str = "") -> dict:
    """Requests/s with no limit. `fast_journal`: SQLite without fsync (the journal's floor)."""
    from bench.sending import engine_send, sandbox_process
    from telecrm_desktop.core.send.engine import SendSettings

    if fast_journal:
        _journal_without_fsync()
    with sandbox_process() as server:
        return engine_send(server.base_url, _fresh_journal(journal_dir), int(count),
                           SendSettings(rate_per_hour=10**9))


def naive_ceiling(count: str) -> dict:
    from bench.sending import naive_send, sandbox_process

    with sandbox_process() as server:
        return naive_send(server.base_url, int(count))


def lookup_rate(count: str, limit: str) -> dict:
    """N leads looked up under a Sync limit of L requests a second (bench/lookup.py)."""
    from bench.lookup import look_up

    return look_up(int(count), int(limit))


def lookup_gui(path: str, limit: str = "10") -> dict:
    """The app's lookup on the Review step: GUI stall, time and memory (bench/lookup.py)."""
    from bench.lookup import gui_lookup

    return gui_lookup(path, int(limit))


def results_build(home: str, rows: str) -> dict:
    """A finished run of N rows in a data folder's journal, for results_gui (bench/results_gui.py)."""
    from bench.results_gui import build

    return build(home, rows)


def results_gui(home: str, rows: str) -> dict:
    """The Results step on that run: first screen, memory, GUI stall (bench/results_gui.py)."""
    from bench.results_gui import measure

    return measure(home, rows)


def _fresh_journal(directory: str):
    import tempfile
    from pathlib import Path

    Path(directory).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=directory)) / "journal.db"


def _journal_without_fsync() -> None:
    """Every connection the engine opens skips fsync: what remains is SQLite's own work."""
    from telecrm_desktop.core.send import journal

    original = journal.Journal.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.db.execute("PRAGMA synchronous=OFF")

    journal.Journal.__init__ = init


def _peak_rss_mb() -> float:
    """This process's own high-water RSS (VmHWM: reset by exec, unlike the rusage maxrss a child
    inherits from the benchmark's parent), or its largest finished child's if that is higher."""
    import resource

    own = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


TASKS = {name: task for name, task in globals().items()
         if callable(task) and not name.startswith("_") and getattr(task, "__module__", "") == __name__}

if __name__ == "__main__":
    task, *arguments = sys.argv[1:]
    result = TASKS[task](*arguments)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result), flush=True)
    os._exit(0)  # GUI workers may still be winding down: the measurement is done
