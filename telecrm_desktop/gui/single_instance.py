"""One window per data folder: a second launch brings the first window to the front (and hands it
the file it was given) instead of opening a second window on the same journal and settings.

The usual pattern: a QLockFile in the data folder decides which launch is the first (Qt finds a
lock left by a crashed or killed process by its process id and takes it over), and the first
listens on a QLocalServer named after the data folder. Another data folder (TELECRM_DESKTOP_HOME)
is another name, so a portable copy or a test runs beside the installed app.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_WAIT_MS = 5000  # the first launch may still be starting up


def server_name(data_folder: Path) -> str:
    digest = hashlib.sha256(str(Path(data_folder).resolve()).encode("utf-8")).hexdigest()[:20]
    return f"telecrm-desktop-{digest}"


class SingleInstance(QObject):
    def __init__(self, data_folder: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.name = server_name(data_folder)
        self._lock = QLockFile(str(Path(data_folder) / "app.lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
        self._server: QLocalServer | None = None
        self._on_message: Callable[[dict], None] | None = None

    def claim(self) -> bool:
        """True when this is the first launch for the data folder (the lock is now ours)."""
        return self._lock.tryLock(0)

    def hand_over(self, file: str | None) -> bool:
        """Ask the first launch to come to the front and open `file`; True when it answered."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_WAIT_MS):
            log.warning("another window holds the data folder but did not answer: %s", socket.errorString())
            return False
        message = {"raise": True, "open": str(Path(file).resolve()) if file else None}
        socket.write(json.dumps(message).encode("utf-8") + b"\n")
        socket.flush()
        answered = socket.waitForReadyRead(CONNECT_WAIT_MS) and bytes(socket.readAll()).startswith(b"ok")
        socket.disconnectFromServer()
        return answered

    def listen(self, on_message: Callable[[dict], None]) -> bool:
        """Serve later launches; `on_message` runs on the GUI thread with their message."""
        if not self._lock.isLocked():  # not the first launch: never take the first one's name
            return False
        self._on_message = on_message
        QLocalServer.removeServer(self.name)  # a socket file left by a killed first launch (we hold the lock)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        if not self._server.listen(self.name):
            log.warning("could not listen for later launches: %s", self._server.errorString())
            return False
        return True

    def _accept(self) -> None:
        while self._server is not None and self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        try:
            message = json.loads(bytes(socket.readLine()).decode("utf-8"))
        except ValueError:
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
        if self._on_message is not None and isinstance(message, dict):
            self._on_message(message)

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()


def bring_to_front(window, message: dict) -> None:
    """What the first window does when a later launch hands over."""
    log.info("a later launch handed over%s", f": opening {message['open']}" if message.get("open") else "")
    window.showNormal() if window.isMinimized() else window.show()
    window.raise_()
    window.activateWindow()
    if message.get("open"):
        window.open_path(message["open"])
