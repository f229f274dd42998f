"""Unexpected exceptions: written to a log file in the data folder, told to the user in one sentence.

Never a traceback on screen, and never a token in the log: tokens live only in the keyring and the
send engine's memory, and the log writes exception text that the core keeps free of them.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from telecrm_desktop.core.crash_log import append_trace
from telecrm_desktop.core.paths import private_file
from telecrm_desktop.core.secrets import RedactTokens
from telecrm_desktop.gui.settings import log_dir

log = logging.getLogger("telecrm_desktop.gui")


def log_file() -> Path:
    return private_file(log_dir() / "telecrm-desktop.log")


def setup_logging() -> None:
    if any(getattr(h, "_telecrm", False) for h in logging.getLogger().handlers):
        return
    handler = logging.FileHandler(log_file(), encoding="utf-8")
    handler._telecrm = True  # type: ignore[attr-defined]
    handler.addFilter(RedactTokens())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def record_unexpected(exc_type, exc, tb) -> Path:
    """Append the exception to the log; returns the log's path."""
    return append_trace(log_file(), exc_type, exc, tb)


def unexpected_error_sentence(exc: BaseException, path: Path) -> str:
    return (
        "Something went wrong that the app did not expect "
        f"({type(exc).__name__}). Your data is safe; the details are in {path}. "
        "Please send that file to support."
    )


def route_qt_messages() -> None:
    """Qt's own warnings go to the log file, not the terminal (the offscreen platform is chatty)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind, context, message):
        if "propagateSizeHints" in message:
            return
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def install_excepthook() -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            path = record_unexpected(exc_type, exc, tb)
        except OSError:
            path = Path("(the log could not be written)")
        app = QApplication.instance()
        if app is not None and not app.property("selfTest"):
            box = QMessageBox(QMessageBox.Icon.Warning, "Unexpected problem",
                              unexpected_error_sentence(exc, path))
            box.exec()
        else:
            print(unexpected_error_sentence(exc, path), file=sys.stderr)

    sys.excepthook = hook
