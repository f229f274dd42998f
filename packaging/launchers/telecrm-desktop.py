"""Entry of the bundled desktop app: PyInstaller runs this file as __main__ (see build.spec).

`--startup-probe` (bundle only, for measuring): the app starts as usual and the process ends with
exit status 0 the moment its first window has been shown and painted, so the wall time of the
run is the start-up time (scripts/check-bundle.sh reports it).
"""

import multiprocessing
import os
import sys


def exit_when_first_window_shows() -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    show = QWidget.show

    def show_then_exit(widget):
        show(widget)
        if widget.isWindow():
            QApplication.processEvents()  # let the window be exposed and painted once
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    QWidget.show = show_then_exit


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start a second window
    if "--startup-probe" in sys.argv:
        sys.argv.remove("--startup-probe")
        exit_when_first_window_shows()
    from telecrm_desktop.gui.app import main

    sys.exit(main())
