"""The pieces that keep the GUI thread free while workers read and check big sheets."""

import gc
import sys
import threading
import time

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QProgressBar

from telecrm_desktop.gui.bridge import disposal
from telecrm_desktop.gui.bridge.gil import taking_turns
from telecrm_desktop.gui.widgets.parts import QuietProgressBar
from telecrm_desktop.gui.bridge.collector import collector_paused


class PaintCounter(QObject):
    def __init__(self):
        super().__init__()
        self.paints = 0

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


@pytest.mark.parametrize("kind, synchronous", [(QProgressBar, True), (QuietProgressBar, False)])
def test_set_value_paints_at_once_only_on_a_plain_bar(app, qtbot, kind, synchronous):
    bar = kind()
    bar.setRange(0, 100)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitExposed(bar)
    app.processEvents()
    counter = PaintCounter()
    bar.installEventFilter(counter)
    bar.setValue(50)
    assert (counter.paints > 0) is synchronous
    assert bar.value() == 50
    qtbot.waitUntil(lambda: counter.paints > 0)  # the quiet bar still paints, from the event loop


def test_show_progress_applies_only_the_latest_value(app, qtbot):
    bar = QuietProgressBar()
    qtbot.addWidget(bar)
    seen = []
    bar.valueChanged.connect(seen.append)
    for value in range(1, 200):
        bar.show_progress(value, 1000)
    assert bar.value() != 199  # not yet: the timer applies it
    qtbot.waitUntil(lambda: bar.value() == 199)
    assert (bar.minimum(), bar.maximum()) == (0, 1000)
    assert seen == [199]


def test_the_collector_is_paused_then_everything_alive_frozen():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with collector_paused():
        with collector_paused():  # nested: still paused after the inner one ends
            pass
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)
    gc.unfreeze()


def test_taking_turns_yields_every_item_and_lets_another_thread_in():
    ticks = []
    stop = threading.Event()

    def waiter():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0)

    other = threading.Thread(target=waiter)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1.0)  # only explicit turns can let the other thread in
    try:
        other.start()
        time.sleep(0.01)
        before = len(ticks)
        total = sum(x * x for x in taking_turns(range(20_000), every=64))
        during = len(ticks) - before
    finally:
        stop.set()
        sys.setswitchinterval(old)
        other.join()
    assert total == sum(x * x for x in range(20_000))
    assert during >= 20_000 // 64 // 4


def test_disposal_empties_only_containers_nobody_else_holds():
    class Result:
        pass

    result = Result()
    result.rows = [object() for _ in range(5000)]
    result.shared = {i: i for i in range(5000)}
    shared = result.shared
    alone = list(range(3000))
    lengths = []
    original = disposal._empty
    disposal._empty = lambda container: (lengths.append(len(container)), original(container))
    try:
        disposal.dispose_later(result, alone)
        del result, alone
        deadline = time.monotonic() + 5
        while len(lengths) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(disposal.SETTLE_SECONDS * 2)
    finally:
        disposal._empty = original
    assert sorted(lengths) == [3000, 5000]
    assert len(shared) == 5000
