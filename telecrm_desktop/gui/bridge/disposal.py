"""Letting go of a big result (100,000 rows read or checked) without stalling the GUI thread.

Dropping the last reference to a list or dict of 100,000 objects frees them all in one C call
that holds the interpreter lock: 15 to 70 ms the window stood still each time a new file or a new
check replaced an old one. Here a background thread empties such containers a thousand items at a
time, giving the GUI thread its turn in between. A container anything else still refers to is left
alone (its reference count says so), so nothing in use is ever emptied.
"""

from __future__ import annotations

import queue
import sys
import threading
import time

from telecrm_desktop.gui.bridge.gil import give_way

CHUNK = 1024
SETTLE_SECONDS = 0.1
_queue: queue.SimpleQueue = queue.SimpleQueue()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def dispose_later(*objects) -> None:
    """Hand `objects` (lists, dicts, or objects whose attributes are) to the disposal thread.
    The caller must drop its own references right after, or they are simply freed as usual."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="disposal", daemon=True)
            _thread.start()
    for obj in objects:
        if obj is not None:
            _queue.put(obj)


def _run() -> None:
    while True:
        obj = _queue.get()
        time.sleep(SETTLE_SECONDS)  # the caller drops its references right after handing them over
        try:
            _dismantle(obj)
        finally:
            del obj


def _dismantle(obj) -> None:
    # references now: `obj` here and the argument of getrefcount (2); one more in the caller's frame
    if sys.getrefcount(obj) > 3:
        return  # still used elsewhere: freed later by its last holder
    if isinstance(obj, (list, dict)):
        _empty(obj)
        return
    for value in list(getattr(obj, "__dict__", {}).values()):
        # the attribute, the list above, `value` and the argument of getrefcount
        if isinstance(value, (list, dict)) and sys.getrefcount(value) <= 4:
            _empty(value)
        del value


def _empty(container) -> None:
    if isinstance(container, list):
        while container:
            del container[-CHUNK:]
            give_way()
    else:
        while container:
            for _ in range(min(CHUNK, len(container))):
                container.popitem()
            give_way()
