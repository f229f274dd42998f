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
    args = parser.parse_args(argv)
    sizes = dataclasses.replace(QUICK if args.quick else Sizes())
    if args.runs:
        sizes.runs = args.runs
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
