"""Peak resident memory of the app and its child processes (the send engine's process), for the
self-test's lines. MB here are MiB (1,048,576 bytes), as the benchmarks report them.

How it is measured:
- where the process tree can be read (psutil when installed, else Linux's /proc: the bundle ships
  without psutil), a thread samples the RSS of this process plus its live descendants every
  SAMPLE_SECONDS and keeps the highest sum (the memory in use at one moment); this process's own
  kernel-kept peak (getrusage RUSAGE_SELF maxrss) is the floor, as a spike between two samples
  shows there.
- elsewhere (macOS or Windows without psutil): getrusage's RUSAGE_SELF maxrss plus RUSAGE_CHILDREN
  maxrss (the largest child that ended). An upper bound, not the sum of one moment: a child
  started by vfork + exec carries this process's peak into its own maxrss.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

SAMPLE_SECONDS = 0.1  # listing the children reads /proc entries: not more often than this
MIB = 1024 * 1024


def _maxrss_bytes(who) -> int:
    import resource

    value = resource.getrusage(who).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024  # Linux and the BSDs say KiB, macOS bytes


def own_peak_bytes() -> int:
    """This process's peak RSS as the kernel keeps it (0 where that is not available)."""
    try:
        import resource

        return _maxrss_bytes(resource.RUSAGE_SELF)
    except ImportError:  # Windows: psutil's peak working set, when psutil is there
        try:
            import psutil

            return int(getattr(psutil.Process().memory_info(), "peak_wset", 0))
        except ImportError:
            return 0


def _psutil_tree_rss(pid: int):
    try:
        import psutil
    except ImportError:
        return None
    me = psutil.Process(pid)

    def read() -> int:
        total = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):  # a child that just ended
                pass
        return total

    return read


def _proc_tree_rss(root: int):
    """Linux without psutil: /proc/<pid>/task/*/children lists each process's children."""
    me = Path(f"/proc/{root}")
    if not (me / "task" / str(root) / "children").exists():
        return None
    page = os.sysconf("SC_PAGE_SIZE")

    def children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
        return found

    def read() -> int:
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
                todo += children(pid)
            except (OSError, ValueError, IndexError):  # a child that just ended
                pass
        return total

    return read


class PeakMemory:
    """Started before the work; `so_far_mb()` while it goes on, `peak_mb()` at the end. `pid`: the
    process whose tree is measured, this one by default (the benchmarks watch a command's)."""

    def __init__(self, pid: int | None = None):
        self._highest = 0
        self._stop = threading.Event()
        self._pid = os.getpid() if pid is None else pid
        self._read_tree = _psutil_tree_rss(self._pid) or _proc_tree_rss(self._pid)
        self._thread = None
        if self._read_tree is not None:
            self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)
            self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            try:
                self._highest = max(self._highest, self._read_tree())
            except Exception:  # noqa: BLE001 - a reading that failed is one sample fewer, never a stop
                pass

    def so_far_mb(self) -> float:
        """The peak until now, the sampling going on."""
        if self._pid != os.getpid():  # another process's tree: what the samples saw (it may have ended)
            return self._highest / MIB
        if self._read_tree is not None:
            return max(self._highest, self._read_tree(), own_peak_bytes()) / MIB
        try:
            import resource

            children = _maxrss_bytes(resource.RUSAGE_CHILDREN)
        except ImportError:
            children = 0
        return (own_peak_bytes() + children) / MIB

    def peak_mb(self) -> float:
        """The peak, the sampling stopped."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
        return self.so_far_mb()
