"""Pausing the cyclic garbage collector while a thread builds many long-lived objects (a sheet's
rows, a check's results, pages of a run's outcomes), shared by the workers and the page reader."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = True


@contextmanager
def collector_paused():
    """No cyclic garbage collection while a worker builds a sheet's rows or a check's results;
    at the end everything alive is put out of the collector's reach (gc.freeze).

    Those are millions of objects that live until the next file: each full collection walked all
    of them while holding the interpreter lock (30 to 300 ms that the GUI thread waited, growing
    with the rows). Reference counting still frees every object dropped meanwhile; frozen objects
    too, only cycles among them wait for the process to end.
    """
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0:
                gc.freeze()
                if _collector_was_enabled:
                    gc.enable()
