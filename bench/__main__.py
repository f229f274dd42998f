"""`python -m bench [--quick] [--only NAME ...] [--runs N]`: every benchmark of issue 7, a table
on stdout and bench/out/results.json. See docs/benchmarks.md."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import time

from bench import data
from bench.measure import BenchFailed
from bench.report import markdown, text_table
from bench.suite import BENCHMARKS, FAST_JOURNALS, JOURNALS, QUICK, Row, Sizes


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"commit": commit, "cpus": os.cpu_count(), "cpu": model, "ram_gb": round(mem_kb / 1024**2, 1),
            "python": platform.python_version(), "load_before": os.getloadavg()[0]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each, smaller sizes (a few minutes)")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    parser.add_argument("--runs", type=int, help="runs per measurement (the median is reported)")
    parser.add_argument("--repeat", type=int, metavar="N",
                        help="runs per measurement, the heavy ones (1M rows, the GUI stall run) too")
    parser.add_argument("--rows", type=int, metavar="N", help="big-sheet: the big sheet's rows (default 1,048,576)")
    parser.add_argument("--sheet-kind", action="append", choices=("csv", "xlsx"), metavar="KIND",
                        help="big-sheet: csv (default) or xlsx; repeat for both")
    parser.add_argument("--app-timeout", type=float, metavar="SECONDS",
                        help="big-sheet: stop the app's walk on the big sheet after this long (default 1800)")
    args = parser.parse_args(argv)
    sizes = dataclasses.replace(QUICK if args.quick else Sizes())
    if args.runs:
        sizes.runs = args.runs
    if args.repeat:
        sizes.runs = sizes.heavy_runs = args.repeat
    if args.rows:
        sizes.sheet_rows = args.rows
    if args.sheet_kind:
        sizes.sheet_kinds = tuple(dict.fromkeys(args.sheet_kind))
    if args.app_timeout:
        sizes.app_timeout = args.app_timeout
    info = machine()
    print(f"{info['cpus']} x {info['cpu']}, {info['ram_gb']} GB RAM, Python {info['python']}, commit {info['commit']}; "
          f"load average {info['load_before']:.1f}", flush=True)
    rows: list[Row] = []
    failures = {}
    for name in args.only or BENCHMARKS:
        started = time.perf_counter()
        print(f"running {name}…", file=sys.stderr, flush=True)
        try:
            rows += BENCHMARKS[name](sizes)
        except BenchFailed as exc:
            failures[name] = str(exc)
            print(f"  {name} failed: {exc}", file=sys.stderr)
        print(f"  {name}: {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    info["load_after"] = os.getloadavg()[0]
    table = [dataclasses.asdict(r) for r in rows]
    print(text_table(table))
    for path in (JOURNALS, FAST_JOURNALS):
        shutil.rmtree(path, ignore_errors=True)
    results = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": args.quick,
               "sizes": dataclasses.asdict(sizes), "machine": info, "failures": failures,
               "rows": table}
    data.OUT.mkdir(exist_ok=True)
    (data.OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (data.OUT / "results.md").write_text(markdown(results), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
