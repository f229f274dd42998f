"""Run one measurement in a fresh interpreter and read back its time, CPU time and peak memory.

A fresh process per run keeps runs independent (no warm caches, no memory left over) and lets
the kernel report the child's own peak RSS and CPU time through wait4. CPU time is reported
beside wall time because the benchmark machine may be shared: wall time grows with the load,
CPU time much less.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Sample:
    seconds: float  # as measured inside the worker (excludes interpreter start-up)
    wall_seconds: float
    cpu_seconds: float  # user + system of the child (and its waited-for children)
    peak_rss_mb: float
    extra: dict = field(default_factory=dict)


class BenchFailed(Exception):
    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output  # what the command printed before it failed or was stopped


def run_command(command: list[str], env: dict | None = None, timeout: float = 3600) -> tuple[bytes, float, object]:
    """Run `command`, return (stdout, wall seconds, rusage of that one child)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors_file:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors_file, cwd=ROOT,
                                   env={**os.environ, **(env or {})})
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        output = process.stdout.read()
        # wait4, not Popen.wait: it reaps this one child and returns its own resource usage
        _, status, usage = os.wait4(process.pid, 0)
        killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        errors_file.seek(0)
        errors = errors_file.read()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        tail = errors.decode(errors="replace").strip().splitlines()[-5:]
        raise BenchFailed(f"{' '.join(command[:4])} failed with exit {process.returncode}: " + " | ".join(tail))
    return output, wall, usage


def run_worker(task: str, *args, env: dict | None = None) -> Sample:
    command = [sys.executable, "-m", "bench.worker", task, *map(str, args)]
    output, wall, usage = run_command(command, env)
    result = json.loads(output.decode().strip().splitlines()[-1])
    # the worker's own reading: wait4's maxrss starts from this (parent) process's peak, since
    # Linux carries the parent's high-water mark into a vforked child across exec
    peak = result.pop("peak_rss_mb", usage.ru_maxrss / 1024)  # Linux reports KiB
    return Sample(result.pop("seconds"), wall, usage.ru_utime + usage.ru_stime, peak, result)


def median_of(samples: list[Sample], attribute: str = "seconds") -> float:
    return statistics.median(getattr(sample, attribute) for sample in samples)


def median_extra(samples: list[Sample], key: str) -> float:
    return statistics.median(sample.extra[key] for sample in samples)


@dataclass
class Watched:
    stdout: str
    exit_code: int
    wall_seconds: float
    cpu_seconds: float  # user + system of the command and its waited-for children
    peak_mb: float  # the command and its worker processes at one moment (sampled), or its own peak if higher


def run_watched(command: list[str], env: dict | None = None, timeout: float = 3600,
                ok_exits: tuple[int, ...] = (0,)) -> Watched:
    """Run `command` with the app's own tree sampler (gui/peak_memory.py) on it: the peak RSS of the
    command and its worker processes together, the way the self-test measures the app. Past
    `timeout` seconds the command and its workers are killed and BenchFailed says so."""
    from telecrm_desktop.gui.peak_memory import PeakMemory

    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors_file:
        # a session of its own: a timeout ends the workers with the command
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors_file, cwd=ROOT,
                                   env={**os.environ, **(env or {})}, start_new_session=True)
        meter = PeakMemory(process.pid)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        killer = threading.Timer(timeout, kill)
        killer.start()
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        killer.cancel()
        peak = meter.peak_mb()
        errors_file.seek(0)
        errors = errors_file.read().decode(errors="replace")
    wall = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    printed = output.decode(errors="replace")
    if timed_out.is_set():
        raise BenchFailed(f"{' '.join(command[:4])} was stopped after {timeout:g} s (peak {peak:.0f} MB so far)", printed)
    if exit_code not in ok_exits:
        tail = errors.strip().splitlines()[-5:]
        raise BenchFailed(f"{' '.join(command[:4])} failed with exit {exit_code}: " + " | ".join(tail), printed)
    # Linux reports KiB; a vforked child's maxrss starts from this (small) process's peak
    return Watched(printed, exit_code, wall, usage.ru_utime + usage.ru_stime,
                   max(peak, usage.ru_maxrss / 1024))
