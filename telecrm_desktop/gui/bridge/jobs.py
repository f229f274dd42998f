"""The background jobs one screen (or any owner) started: each a worker run in its own QThread.

`Jobs.of(owner)` is the owner's manager, a child QObject, so it lives and dies with the owner:
`start` runs a worker, `running` lists the unfinished ones, `stop_all` cancels them and waits for
their threads (the window is closing). Cancelling has this one path; no thread outlives its owner.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread


class Jobs(QObject):
    def __init__(self, owner: QObject) -> None:
        super().__init__(owner)
        self.setObjectName("jobs")
        # (thread, worker): the Python references live until the next start after they finish
        self._started: list[tuple[QThread, QObject]] = []

    @classmethod
    def of(cls, owner: QObject) -> Jobs:
        """The owner's jobs manager (made on first use)."""
        jobs = owner.findChild(cls, "jobs", Qt.FindChildOption.FindDirectChildrenOnly)
        return jobs if jobs is not None else cls(owner)

    def start(self, worker) -> QThread:  # noqa: ANN001 - a workers.Worker
        """Run `worker.run` in a new QThread; the thread ends when the worker emits `finished`.

        Connect the worker's signals to *methods* of GUI objects (queued into the GUI thread, and
        `sender()` names the worker); a lambda would run in the worker's thread.
        """
        for pair in [p for p in self._started if p[0].isFinished()]:  # finished earlier: let them go
            self._started.remove(pair)
            pair[0].deleteLater()
            pair[1].deleteLater()
        thread = QThread(self.parent())
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit)
        self._started.append((thread, worker))
        thread.start()
        return thread

    def running(self) -> list:
        return [worker for thread, worker in self._started if thread.isRunning()]

    def stop_all(self, wait_ms: int = 15000) -> None:
        """Cancel every running job and wait for its thread."""
        for thread, worker in self._started:
            if thread.isRunning():
                worker.cancel()
                thread.quit()
                thread.wait(wait_ms)
