"""Signs of a send the person is not watching: a "sending in the background" button in the footer
while another step is on screen, and a desktop notification (the system tray's message) when
a long send finishes or stops."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QToolButton

LONG_SEND_SECONDS = 30.0  # a shorter send is watched to its end; no notification needed
REFRESH_MS = 500


class BackgroundSendIndicator(QToolButton):
    """"Sending in the background: 120 of 6,000 · Show": shown while a send runs and another step
    is on screen; a click brings the Send step back."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.setObjectName("backgroundSend")
        self.setAutoRaise(True)
        self.setToolTip("A send is running. Click to see it.")
        self.setAccessibleName("Sending in the background")
        self.clicked.connect(self._show_send)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.hide()

    def _show_send(self) -> None:
        from telecrm_desktop.gui.steps import SEND

        self.window.go_to(SEND)

    def refresh(self) -> None:
        from telecrm_desktop.gui.steps import SEND

        send = self.window.send_screen
        away = send.is_running() and self.window.current_step() != SEND
        if away:
            bar = send.progress
            done, total = bar.value(), bar.maximum()
            count = f": {max(done, 0):,} of {total:,}" if total > 1 else ""
            paused = send.worker is not None and send.worker.control.paused
            self.setText(f"● {'Paused' if paused else 'Sending'} in the background{count} · Show")
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
        self.setVisible(away)


class SendNotifier(QObject):
    """Puts a message on the desktop when a long send ends; the tray icon exists only meanwhile."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self.last: tuple[str, str] | None = None  # (title, text) of the last notification

    def send_ended(self, title: str, text: str, seconds: float) -> None:
        if seconds < LONG_SEND_SECONDS:
            return
        self.last = (title, text)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.window.windowIcon(), self)
                self.tray.setToolTip("telecrm importer")
                self.tray.messageClicked.connect(self._raise_window)
            self.tray.show()
            icon = (QSystemTrayIcon.MessageIcon.Information if title.endswith("finished")
                    else QSystemTrayIcon.MessageIcon.Warning)
            self.tray.showMessage(title, text, icon, 15000)
        QApplication.alert(self.window)  # the taskbar entry asks for attention too

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()


def install_send_signs(window) -> None:
    """Puts the indicator in the footer beside Back (room to spare there) and wires both signs."""
    indicator = BackgroundSendIndicator(window)
    footer = window.back_button.parentWidget().layout()
    footer.insertWidget(footer.indexOf(window.back_button) + 1, indicator)
    window.background_send_indicator = indicator
    window.stack.currentChanged.connect(lambda _=0: indicator.refresh())
    window.session.run_changed.connect(indicator.refresh)
    window.send_notifier = SendNotifier(window)
    window.send_screen.run_ended.connect(window.send_notifier.send_ended)
    window.send_screen.run_ended.connect(lambda *_: indicator.refresh())
