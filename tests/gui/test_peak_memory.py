"""The self-test's peak memory counts the app's child processes (the send engine runs in one), with
psutil and, as in the bundle, without it (Linux's /proc)."""

import os
import subprocess
import sys
import time

import pytest

from telecrm_desktop.gui import peak_memory

CHILD_MB = 150
CHILD = f"import time; block = b'x' * ({CHILD_MB} * 2**20); time.sleep(1.5)"


def peak_with_a_child_of_150_mb() -> tuple[float, float]:
    meter = peak_memory.PeakMemory()
    before = meter.so_far_mb()
    subprocess.run([sys.executable, "-c", CHILD], check=True, timeout=60)
    time.sleep(0.2)
    return before, meter.peak_mb()


def test_a_child_process_counts_in_the_peak():
    pytest.importorskip("psutil")
    before, peak = peak_with_a_child_of_150_mb()
    assert peak >= before + CHILD_MB * 0.9


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")
def test_without_psutil_the_children_are_read_from_proc(monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", None)  # `import psutil` fails, as in the bundle
    assert peak_memory._psutil_tree_rss(os.getpid()) is None and peak_memory._proc_tree_rss(os.getpid()) is not None
    before, peak = peak_with_a_child_of_150_mb()
    # the child's own memory at the moment it was sampled, not its maxrss (which would carry this
    # process's peak with it): at least the 150 MB, well under twice this process's size on top
    assert before + CHILD_MB * 0.9 <= peak < before + CHILD_MB + 60


def test_another_processs_tree_is_measured_without_this_ones_memory():
    """The benchmarks watch a command's tree (`telecrm-import check` and its workers) this way."""
    ballast = b"y" * (200 * 2**20)  # this process is bigger than the watched one: its peak must not count
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; "
                               f"subprocess.run([sys.executable, '-c', {CHILD!r}], check=True)"])
    meter = peak_memory.PeakMemory(parent.pid)
    parent.wait(60)
    peak = meter.peak_mb()
    assert len(ballast) and CHILD_MB * 0.9 <= peak < CHILD_MB + 60  # the grandchild's block, both interpreters
