"""The result files of a big run (results.csv, results.xlsx, needs-attention.xlsx), written by the
one function the app and the command line share (core.send.runs.write_results), from a run built
through the journal's API and the sheet it came from read again: time and peak memory.

The run and its sheet are built by one process, the files written by another (whose peak is the
export's own):
    python -m bench.results_export --rows 1048576
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return re.findall(r'<sheet name="([^"]+)"', archive.read("xl/workbook.xml").decode())


def build(folder: Path, rows: int) -> dict:
    from bench.results_run import build_run, write_source_csv
    from telecrm_desktop.core.send.journal import Journal

    started = time.perf_counter()
    sheet = write_source_csv(folder / "leads.csv", rows)
    with Journal(folder / "journal.sqlite3") as journal:
        build_run(journal, rows, str(sheet))
    return {"build_s": round(time.perf_counter() - started, 1), "build_peak_mb": round(_peak_mb())}


def export(folder: Path) -> dict:
    from telecrm_desktop.core.send import runs
    from telecrm_desktop.core.send.journal import Journal
    from telecrm_desktop.core.sources import open_sheet, read_table

    with Journal(folder / "journal.sqlite3") as journal:
        run_id = journal.runs()[-1].id
        table = read_table(open_sheet(folder / "leads.csv"))
        started, cpu = time.perf_counter(), time.process_time()
        files = runs.write_results(journal, run_id, folder / "results", headers=table.headers,
                                   data_rows=table.rows(), raw_headers=table.raw_headers, header_row=table.header_row)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"export_s": round(took, 1), "export_cpu_s": round(cpu, 1),
            "export_peak_mb": round(_peak_mb()), "attention_rows": files.attention_rows,
            "sheets": {p.name: _sheet_names(p) for p in (files.xlsx, files.needs_attention)},
            "sizes_mb": {p.name: round(p.stat().st_size / 1e6, 1) for p in (files.csv, files.xlsx, files.needs_attention)}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--step", choices=("build", "export"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        result = build(Path(args.folder), args.rows) if args.step == "build" else export(Path(args.folder))
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory(prefix="telecrm-export-") as folder:
        result = {"rows": args.rows}
        for step in ("build", "export"):
            out = subprocess.run([sys.executable, "-m", "bench.results_export", "--step", step, "--folder", folder,
                                  "--rows", str(args.rows)], cwd=ROOT, capture_output=True, text=True, check=True)
            result.update({k: v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items() if v is not None})
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
