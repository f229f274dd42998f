"""The jobs manager: a screen's background jobs run in their own threads, are let go once they
have finished, and are cancelled and waited for when the window closes."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from telecrm_desktop.gui.bridge.jobs import Jobs
from telecrm_desktop.gui.bridge.workers import Worker, start_worker, stop_workers


class Waiting(Worker):
    """Works until it is cancelled (or released), and says which thread it ran in."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.thread_name = ""

    def work(self):
        self.thread_name = threading.current_thread().name
        while not (self.cancelled or self.release.wait(0.01)):
            pass
        return "cancelled" if self.cancelled else "done"


def test_a_job_runs_off_the_gui_thread_and_is_let_go_after_it_finished(qtbot):
    owner = QWidget()
    first = Waiting()
    with qtbot.waitSignal(first.finished, timeout=5000) as finished:
        thread = start_worker(owner, first)
        assert Jobs.of(owner).running() == [first]
        first.release.set()
    assert finished.args == ["done"] and first.thread_name != threading.current_thread().name
    qtbot.waitUntil(thread.isFinished, timeout=5000)
    assert Jobs.of(owner) is Jobs.of(owner) and Jobs.of(owner).running() == []
    second = Waiting()
    start_worker(owner, second)  # the finished job's references are let go here
    assert [worker for _, worker in Jobs.of(owner)._started] == [second]
    second.release.set()
    stop_workers(owner)


def test_closing_cancels_every_running_job_and_waits_for_its_thread(qtbot):
    owner = QWidget()
    jobs = [Waiting(), Waiting()]
    threads = [start_worker(owner, job) for job in jobs]
    qtbot.waitUntil(lambda: all(job.thread_name for job in jobs), timeout=5000)
    stop_workers(owner)
    assert all(job.cancelled for job in jobs) and all(thread.isFinished() for thread in threads)
    assert Jobs.of(owner).running() == []


def test_each_owner_has_its_own_jobs(qtbot):
    a, b = QWidget(), QWidget()
    job = Waiting()
    start_worker(a, job)
    assert Jobs.of(b).running() == [] and Jobs.of(a).running() == [job]
    stop_workers(a)
