"""The result files of a big run (results.csv, results.xlsx, needs-attention.xlsx), written by the
one function the app and the command line share (core.send.runs.write_results), from a run built
through the journal's API and the sheet it came from read again: time and peak memory.

Run one size per process (peak memory is the process's):
    python -m bench.results_export --rows 1048576
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def _sheet_names(path: Path) -> list[str]:
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return re.findall(r'<sheet name="([^"]+)"', archive.read("xl/workbook.xml").decode())


def export(rows: int, folder: Path) -> dict:
    from bench.results_run import build_run, write_source_csv
    from telecrm_desktop.core.send import runs
    from telecrm_desktop.core.send.journal import Journal
    from telecrm_desktop.core.sources import open_sheet, read_table

    sheet = write_source_csv(folder / "leads.csv", rows)
    with Journal(folder / "journal.sqlite3") as journal:
        started = time.perf_counter()
        run_id = build_run(journal, rows, str(sheet))
        built = time.perf_counter() - started
        before = _peak_mb()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # the peak from here on is the export's own (the build above holds every identifier)
        table = read_table(open_sheet(sheet))
        started = time.perf_counter()
        files = runs.write_results(journal, run_id, folder / "results", headers=table.headers,
                                   data_rows=table.rows(), raw_headers=table.raw_headers, header_row=table.header_row)
        took = time.perf_counter() - started
    return {"rows": rows, "build_s": round(built, 1), "export_s": round(took, 1),
            "peak_mb_building": round(before), "peak_mb_export": round(_peak_mb()),
            "sheets": {p.name: _sheet_names(p) for p in (files.xlsx, files.needs_attention)},
            "attention_rows": files.attention_rows,
            "sizes_mb": {p.name: round(p.stat().st_size / 1e6, 1) for p in (files.csv, files.xlsx, files.needs_attention)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="telecrm-export-") as folder:
        print(json.dumps(export(args.rows, Path(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
