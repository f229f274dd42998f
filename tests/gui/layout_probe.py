"""Walks the app through every step in a 1024x700 window and prints, as JSON, what does not fit:
run in a child process (`python -m tests.gui.layout_probe`), so QT_SCALE_FACTOR is set before
the QApplication exists. Long file names and a long message are used on purpose."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

SIZE = (1024, 700)


def problems(window) -> list[str]:
    """Visible widgets that lie outside the window or are squeezed below their minimum size."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

    found = []
    frame = window.rect()
    for child in window.findChildren(QWidget):
        if not child.isVisible() or child.isWindow():
            continue
        top_left = child.mapTo(window, child.rect().topLeft())
        bottom_right = child.mapTo(window, child.rect().bottomRight())
        name = f"{type(child).__name__} {child.objectName() or ''}".strip()
        text = child.text()[:40] if isinstance(child, (QLabel, QAbstractButton)) else ""
        if not (frame.contains(top_left) and frame.contains(bottom_right)):
            found.append(f"{name} “{text}” lies outside the window at "
                         f"{top_left.x()},{top_left.y()}-{bottom_right.x()},{bottom_right.y()}")
            continue
        if isinstance(child, QLabel) and child.wordWrap() and child.text():
            if child.heightForWidth(child.width()) > child.height() + 1:
                found.append(f"{name} “{text}” is cut: needs {child.heightForWidth(child.width())} px height, has {child.height()}")
        elif isinstance(child, QAbstractButton) and child.text():
            hint = child.minimumSizeHint()
            if child.width() < hint.width() - 1 or child.height() < hint.height() - 1:
                found.append(f"{name} “{text}” is cut: {child.width()}x{child.height()} < {hint.width()}x{hint.height()}")
    return found


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["TELECRM_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="telecrm-layout-")
    from telecrm_desktop.gui.app import make_application
    from telecrm_desktop.gui.flow_driver import FlowDriver, settle
    from telecrm_desktop.gui.main_window import MainWindow
    from telecrm_desktop.gui.bridge.sandbox_link import stop_sandbox
    from tests.gui.test_flow import write_leads

    app = make_application()
    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    report: dict = {"scale": os.environ.get("QT_SCALE_FACTOR", "1"), "steps": {}}

    def look(step: str) -> None:
        for _ in range(3):
            settle()
        report["steps"][step] = {"width": window.width(), "height": window.height(), "problems": problems(window)}

    folder = Path(tempfile.mkdtemp())
    long_name = ("leads_from_the_autumn_expo_stall_collected_by_the_whole_sales_team_" * 3) + "final.csv"
    sheet = write_leads(folder / long_name, 12, bad=(3,))
    driver = FlowDriver(window, timeout=60, on_step=look)
    look("first run")
    driver.use_sandbox()
    driver.open_file(sheet)
    driver.accept_mapping()
    driver.review()
    driver.send()
    driver.results()
    window.show_message("error", f"The file {long_name} could not be read: " + "a long reason " * 20)
    look("results with a long message")
    window.go_to(2)
    look("map after a long message")
    stop_sandbox()
    app.processEvents()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
