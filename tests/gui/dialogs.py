"""Answering modal dialogs as a person does: the test arms an answer, then clicks what opens the
dialog; the answer presses a button of that dialog once it is on screen."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton


def answer_dialog(qtbot, name, button_name=None, seen=None, within: float | None = None):
    """Presses a button of the modal dialog named `name` once it is open (Cancel unless
    `button_name`); with `within`, gives up when no such dialog opened in that many seconds."""
    deadline = None if within is None else time.monotonic() + within

    def press():
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != name:
            if deadline is None or time.monotonic() < deadline:
                QTimer.singleShot(20, press)
            return
        if seen is not None:
            seen.append(box.text() + "\n" + box.informativeText())
        button = (box.findChild(QPushButton, button_name) if button_name
                  else box.button(QMessageBox.StandardButton.Cancel))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press)
