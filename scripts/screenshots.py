"""Drives the app offscreen through the sandbox flow and saves a PNG of each screen to
docs/screenshots/ (QWidget.grab()). Run: python scripts/screenshots.py [--scale 2] [--dark]"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (2 = high-DPI)")
    parser.add_argument("--dark", action="store_true", help="use a dark palette (saved with a -dark suffix)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    os.environ["TELECRM_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="telecrm-screens-")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from telecrm_desktop.gui.app import make_application
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until
    from telecrm_desktop.gui.main_window import SEND, MainWindow
    from telecrm_desktop.gui.menus import show_help
    from telecrm_desktop.gui.screens.open_screen import sample_sheet_path
    from telecrm_desktop.gui.bridge.sandbox_link import stop_sandbox

    app = make_application()
    app.setStyle("Fusion")
    if args.dark:
        app.setPalette(dark_palette())
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if args.dark else ""
    window = MainWindow()
    window.resize(*SIZE)
    window.show()

    def shot(name: str, of=None) -> None:
        for _ in range(5):
            app.processEvents()
        path = args.out / f"{name}{suffix}.png"
        (of or window).grab().save(str(path))
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    shot("1-workspace")
    names = {"open": "2-open", "map": "3-map", "review": "4-review", "results": "6-results"}

    def on_step(step: str) -> None:
        if step == "review":
            window.review_screen.select_next_problem()  # show a highlighted cell and its reason
            window.review_screen.view.horizontalScrollBar().setValue(0)  # names and phones in view
        if step in names:
            shot(names[step])

    # a slower sandbox so that the send screen is caught mid-run
    sandbox_link.SANDBOX_RATE_PER_WINDOW, sandbox_link.SANDBOX_WINDOW = 4, 2.0
    driver = FlowDriver(window, timeout=60, on_step=on_step)
    try:
        driver.use_sandbox()
        driver.open_file(sample_sheet_path())
        driver.accept_mapping()
        driver.review()
        window.go_to(SEND)
        send = window.send_screen
        send.start()
        wait_until(lambda: (send.queued_tile.value() or 0) >= 12 or not send.is_running(), 60, "a part of the send")
        shot("5-send")
        window.go_to(SEND - 1)  # the send goes on; the footer says so
        shot("5-send-background")
        window.go_to(SEND)
        wait_until(lambda: not send.is_running(), 120, "the send to end")
        driver.results()
        show_help(window)  # F1
        for _ in range(5):
            app.processEvents()
        window.help_window.grab().save(str(args.out / f"7-help{suffix}.png"))
        window.help_window.close()
        window.close()
        from scripts.screenshot_extras import banner_and_partial_template

        def new_window():
            extra = MainWindow()
            extra.resize(*SIZE)
            extra.show()
            return extra

        banner_and_partial_template(new_window, sample_sheet_path(), Path(tempfile.mkdtemp(prefix="telecrm-extra-")),
                                    lambda w, name: shot(name, w))
    finally:
        window.close()
        stop_sandbox()
    QApplication.processEvents()
    return 0


def dark_palette():
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#26272b",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2b2c30",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#3b82f6",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#4a4b50",
        QPalette.ColorRole.Midlight: "#3a3b40", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.ToolTipBase: "#2b2c30", QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#80868b"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#80868b"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#80868b"))
    return p


if __name__ == "__main__":
    sys.exit(main())
