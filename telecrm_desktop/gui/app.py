"""`telecrm-desktop`: starts the window. `--self-test` walks the sandbox flow offscreen and exits
0 when every step worked (the installer's CI runs it), non-zero with a sentence when one did not;
`--self-test FILE --mapping TEMPLATE` does the same on that sheet (see gui/self_test.py)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from telecrm_desktop import __version__

EXIT_OK, EXIT_FAILED = 0, 1


def _parse(argv):
    parser = argparse.ArgumentParser(prog="telecrm-desktop", description="Load leads from Excel and CSV files into telecrm.")
    parser.add_argument("--version", action="version", version=f"telecrm-desktop {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="walk the whole flow on the sandbox workspace offscreen and exit (0 = it works); "
                             "with FILE, on that sheet (at most its first 1,000 leads are sent)")
    parser.add_argument("--mapping", metavar="TEMPLATE",
                        help="with --self-test FILE: the mapping template to apply to FILE")
    parser.add_argument("--sandbox", action="store_true",
                        help="start on the practice workspace with the sample sheet open")
    parser.add_argument("file", nargs="?", help="a spreadsheet to open at start")
    args = parser.parse_args(argv)
    if args.mapping and not (args.self_test and args.file):
        parser.error("a mapping template is used only by the self-test on a FILE")
    return args


def make_application(argv: list[str] | None = None):
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from telecrm_desktop.gui.widgets import style
    from telecrm_desktop.gui.settings import APPLICATION, ORGANISATION

    # here rather than only in prepare_runtime: whatever embeds the window (tests, benchmarks,
    # the self-test) gets the GUI thread's short wait for the interpreter lock too
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or [sys.argv[0]])
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app.setApplicationDisplayName("telecrm importer")
    if app.styleSheet() != style.APP_STYLESHEET:  # re-setting restyles every widget alive
        app.setStyleSheet(style.APP_STYLESHEET)
    icon = icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


# Core modules the screens import on first use; importing them at start keeps a first click from
# stalling the window while Python reads them.
CORE_MODULES = (
    "telecrm_desktop.core.sources", "telecrm_desktop.core.template.mapping", "telecrm_desktop.core.template.suggest",
    "telecrm_desktop.core.check.pipeline", "telecrm_desktop.core.workspace.schema_rules", "telecrm_desktop.core.workspace.schema_io",
    "telecrm_desktop.core.send.journal", "telecrm_desktop.core.send.results", "telecrm_desktop.core.send.engine",
    "telecrm_desktop.core.send.runs", "telecrm_desktop.core.workspace.sync_client", "telecrm_desktop.sandbox.server",
    "telecrm_desktop.core.workspace.landed", "telecrm_desktop.gui.bridge.engine_process", "multiprocessing.connection",
    "multiprocessing.popen_spawn_posix" if sys.platform != "win32" else "multiprocessing.popen_spawn_win32",
)
# How long a worker thread may hold the GIL before the GUI thread gets a turn (Python's default is
# 5 ms, which lets a busy worker delay every repaint by several of those).
GIL_SWITCH_INTERVAL = 0.0002


def prepare_runtime() -> None:
    import importlib
    import logging

    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    for name in CORE_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a part missing from this build: its screen says so when used
            logging.getLogger(__name__).warning("could not import %s", name, exc_info=True)


def icon_path() -> Path | None:
    from telecrm_desktop import assets

    return assets.icon()


def start_on_sandbox(window, file: str | None = None) -> None:
    """The README's first command: the practice workspace, with the sample (or `file`) open."""
    if file:
        window.workspace_screen.sandbox_radio.setChecked(True)
        window.open_path(file)
    else:
        window.workspace_screen.try_sandbox_button.click()


def run_self_test(window) -> int:
    from telecrm_desktop.gui.flow_driver import FlowDriver, FlowError
    from telecrm_desktop.gui.screens.open_screen import sample_sheet_path

    sample = sample_sheet_path()
    if sample is None:
        print("self-test failed: the sample sheet is missing from this installation.", file=sys.stderr)
        return EXIT_FAILED
    driver = FlowDriver(window, timeout=60, on_step=lambda name: print(f"self-test: {name} ok", file=sys.stderr))
    try:
        driver.use_sandbox()
        driver.open_file(sample)
        driver.accept_mapping()
        driver.review()
        counts = driver.send()
        driver.results()
    except FlowError as exc:
        print(f"self-test failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    bad = {s: n for s, n in counts.items() if s in ("failed", "uncertain", "pending") and n}
    if bad or not counts.get("queued", 0) + counts.get("unchanged", 0):
        print(f"self-test failed: the sandbox send ended with {counts}.", file=sys.stderr)
        return EXIT_FAILED
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    print(f"self-test passed: {sample.name} sent to the sandbox ({summary}).", file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    meter = None
    if args.self_test and args.file:
        from telecrm_desktop.gui import self_test
        from telecrm_desktop.gui.peak_memory import PeakMemory

        failed = self_test.bad_input(Path(args.file), Path(args.mapping) if args.mapping else None)
        if failed is not None:
            return failed
        meter = PeakMemory()  # from the start: reading the file is part of the peak
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # offscreen plugin chatter
        # a throw-away data folder: the self-test must not touch the user's journal or settings
        if not os.environ.get("TELECRM_DESKTOP_HOME"):
            os.environ["TELECRM_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="telecrm-self-test-")

    from telecrm_desktop.gui import crash_report

    app = make_application()
    crash_report.setup_logging()
    instance = None
    if not args.self_test:  # one window per data folder: a second launch hands over and ends
        instance = _first_launch_or_hand_over(args.file)
        if instance is None:
            return EXIT_OK
    prepare_runtime()
    crash_report.route_qt_messages()
    crash_report.install_excepthook()

    from telecrm_desktop.gui.main_window import MainWindow
    from telecrm_desktop.gui.bridge.sandbox_link import stop_sandbox

    window = MainWindow()
    window.show()
    if instance is not None:
        from telecrm_desktop.gui.single_instance import bring_to_front

        instance.listen(lambda message: bring_to_front(window, message))
    try:
        if args.self_test:
            app.setProperty("selfTest", True)
            if args.file:
                from telecrm_desktop.gui.self_test import run_on_file

                return run_on_file(window, Path(args.file), Path(args.mapping) if args.mapping else None, meter)
            return run_self_test(window)
        if args.sandbox:
            start_on_sandbox(window, args.file)
        elif args.file:
            window.open_path(args.file)
        return app.exec()
    finally:
        window.close()
        stop_sandbox()
        if instance is not None:
            instance.release()


def _first_launch_or_hand_over(file: str | None):
    """The SingleInstance to keep when this is the first window on its data folder; None when the
    window already open came to the front (and took `file`) instead."""
    from telecrm_desktop.core.paths import data_home
    from telecrm_desktop.gui.single_instance import SingleInstance

    instance = SingleInstance(data_home())
    if instance.claim():
        from telecrm_desktop.core.paths import clear_spool

        clear_spool()  # a killed window's spooled rows: no other window uses this data folder
        return instance
    if instance.hand_over(file):
        print("telecrm-desktop is already open: its window was brought to the front.", file=sys.stderr)
        return None
    return instance  # the other window did not answer (hung?): open anyway; the journal keeps sends apart


if __name__ == "__main__":
    sys.exit(main())
