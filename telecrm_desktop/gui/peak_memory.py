"""Peak resident memory of the app and its child processes (the send engine's process), for the
self-test's last line. MB here are MiB (1,048,576 bytes), as the benchmarks report them.

How it is measured:
- psutil where it is installed: a thread samples the RSS of this process plus its live children
  every SAMPLE_SECONDS and keeps the highest sum (the memory in use at one moment); this
  process's own kernel-kept peak (getrusage RUSAGE_SELF maxrss) is the floor, as a spike between
  two samples is seen there.
- without psutil: getrusage's RUSAGE_SELF maxrss plus RUSAGE_CHILDREN maxrss (the largest child
  that ended and was waited for). An upper bound: the two peaks may not have coincided, and on
  Linux a child started by fork carries this process's RSS at that moment into its own maxrss.
"""

from __future__ import annotations

import sys
import threading

SAMPLE_SECONDS = 0.1  # listing the children reads every process's /proc entry: not too often
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


class PeakMemory:
    """Started before the work, read after it: `peak_mb()`."""

    def __init__(self):
        self._highest = 0
        self._stop = threading.Event()
        self._thread = None
        try:
            import psutil
        except ImportError:
            self._process = None
            return
        self._process = psutil.Process()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)
        self._thread.start()

    @property
    def method(self) -> str:
        return "sampled" if self._process is not None else "getrusage"

    def _tree_rss(self) -> int:
        import psutil

        total = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):  # a child that just ended
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            try:
                self._highest = max(self._highest, self._tree_rss())
            except Exception:  # noqa: BLE001 - a reading that failed is one sample fewer, never a stop
                pass

    def so_far_mb(self) -> float:
        """The peak until now, the sampling going on."""
        if self._process is not None:
            return max(self._highest, self._tree_rss(), own_peak_bytes()) / MIB
        return self._rusage_mb()

    def peak_mb(self) -> float:
        """The peak, the sampling stopped."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
        return self.so_far_mb()

    @staticmethod
    def _rusage_mb() -> float:
        try:
            import resource

            children = _maxrss_bytes(resource.RUSAGE_CHILDREN)
        except ImportError:
            children = 0
        return (own_peak_bytes() + children) / MIB
