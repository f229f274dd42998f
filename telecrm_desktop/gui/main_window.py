"""The one window: a step bar (Workspace -> Open -> Map -> Review -> Send -> Results), the screens
in a stack, a message bar for plain-sentence errors, and a footer with Back and the next action."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QFrame, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QPushButton,
    QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from telecrm_desktop.gui.widgets.fitting import ElidedLabel, keep_window_width
from telecrm_desktop.gui.screens.map_screen import MapScreen
from telecrm_desktop.gui.menus import build_menus
from telecrm_desktop.gui.notifications import install_send_signs
from telecrm_desktop.gui.screens.open_screen import OpenScreen
from telecrm_desktop.gui.screens.results_screen import ResultsScreen
from telecrm_desktop.gui.resume_banner import ResumeBanner
from telecrm_desktop.gui.screens.review_screen import ReviewScreen
from telecrm_desktop.gui.screens.send_screen import SendScreen
from telecrm_desktop.gui.session import ImportSession
from telecrm_desktop.gui.settings import app_settings
from telecrm_desktop.gui.widgets.parts import MessageBar, Screen, after_paint
from telecrm_desktop.gui.bridge.workers import stop_workers
from telecrm_desktop.gui.screens.workspace_screen import WorkspaceScreen

from telecrm_desktop.gui.steps import MAP, OPEN, RESULTS, REVIEW, SEND, STEP_NAMES, WORKSPACE  # noqa: E402,F401


class MainWindow(QMainWindow):
    def __init__(self, session: ImportSession | None = None):
        super().__init__()
        self.setWindowTitle("telecrm importer")
        self.setAcceptDrops(True)
        self.session = session or ImportSession(self)
        self._waiting_file: Path | None = None  # named on the command line before a workspace was chosen

        self.workspace_screen = WorkspaceScreen(self.session)
        self.open_screen = OpenScreen(self.session)
        self.map_screen = MapScreen(self.session)
        self.review_screen = ReviewScreen(self.session)
        self.send_screen = SendScreen(self.session)
        self.results_screen = ResultsScreen(self.session)
        self.screens: list[Screen] = [
            self.workspace_screen, self.open_screen, self.map_screen,
            self.review_screen, self.send_screen, self.results_screen,
        ]

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_step_bar())

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(20, 12, 20, 8)
        self.message_bar = MessageBar()
        body_layout.addWidget(self.message_bar)
        self.resume_banner = ResumeBanner()
        body_layout.addWidget(self.resume_banner)
        self.stack = QStackedWidget()
        for screen in self.screens:
            self.stack.addWidget(screen)
            screen.footer_changed.connect(self._update_footer)
            screen.message.connect(self.show_message)
            screen.advance_requested.connect(self.next_step)
        body_layout.addWidget(self.stack, 1)
        outer.addWidget(body, 1)
        outer.addWidget(self._build_footer())
        self.setCentralWidget(central)

        self._build_actions()
        self.session.sheet_changed.connect(self._update_steps)
        self.session.mapping_changed.connect(self._update_steps)
        self.session.workspace_changed.connect(self._update_steps)
        self.session.workspace_changed.connect(self._open_waiting_file)
        self.session.run_changed.connect(self._update_steps)
        self.send_screen.run_finished.connect(lambda: self.go_to(RESULTS))
        self.results_screen.resume_requested.connect(self._resume_run)
        self.results_screen.retry_requested.connect(self._retry_run)
        self.workspace_screen.sample_requested.connect(self._try_sample)
        self.resume_banner.continue_requested.connect(self._continue_from_banner)
        self.resume_banner.lookup_failed.connect(lambda text: self.show_message("warning", text))
        self.session.run_changed.connect(lambda: self.resume_banner.forget(self.session.run_id))
        self.resume_banner.look_up()

        self.stack.currentChanged.connect(self._close_message_of_other_screen)
        install_send_signs(self)
        keep_window_width(self)
        self._restore_geometry()
        self.go_to(OPEN if self.session.workspace.is_configured else WORKSPACE)

    # ----- layout -----
    def _build_step_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("stepBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(4)
        self.step_buttons: list[QToolButton] = []
        for i, name in enumerate(STEP_NAMES):
            if i:
                arrow = QLabel("›")
                arrow.setEnabled(False)
                layout.addWidget(arrow)
            button = QToolButton()
            button.setObjectName("step")
            button.setText(f"{i + 1}  {name}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolTip(f"Go to step {i + 1}: {name} (Alt+{i + 1})")
            button.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            button.clicked.connect(lambda _=False, i=i: self.go_to(i))
            layout.addWidget(button)
            self.step_buttons.append(button)
        layout.addStretch(1)
        self.workspace_label = ElidedLabel()  # an ID or a long name never widens the window
        self.workspace_label.setContentsMargins(12, 0, 0, 0)  # apart from the last step when squeezed
        layout.addWidget(self.workspace_label)
        about = QToolButton()
        about.setText("About")
        about.setAutoRaise(True)
        about.setToolTip("Version, where data and logs are kept (help: F1)")
        about.clicked.connect(self.show_about)
        layout.addWidget(about)
        return bar

    def _build_footer(self) -> QWidget:
        footer = QFrame()
        footer.setObjectName("footer")
        layout = QHBoxLayout(footer)
        layout.setContentsMargins(20, 10, 20, 10)
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.previous_step)
        layout.addWidget(self.back_button)
        layout.addStretch(1)
        self.primary_button = QPushButton()
        self.primary_button.setObjectName("primary")
        self.primary_button.setDefault(True)
        self.primary_button.clicked.connect(self._primary_clicked)
        layout.addWidget(self.primary_button)
        return footer

    def _build_actions(self) -> None:
        def action(text, shortcut, slot):
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.open_action = action("Open a file…", QKeySequence.StandardKey.Open, self._open_file)
        self.save_template_action = action("Save template…", QKeySequence.StandardKey.Save,
                                           self._save_template)
        self.send_action = action("Send", "Ctrl+Return", self._send_shortcut)
        self.next_step_action = action("Next step", "Ctrl+PgDown", self.next_step)
        self.previous_step_action = action("Previous step", "Ctrl+PgUp", self.previous_step)
        build_menus(self)  # File, Edit, View, Help; F1 opens the help

    def about_text(self) -> str:
        from telecrm_desktop import __version__
        from telecrm_desktop.core.paths import data_home, logs_dir

        return (
            f"<b>telecrm importer {__version__}</b><br>"
            "Loads leads from Excel and CSV files into telecrm.<br><br>"
            f"Data and run results: {data_home()}<br>"
            f"Logs: {logs_dir()}<br>"
            "API tokens are kept in this computer's keyring, never in a file."
        )

    def show_about(self) -> None:
        QMessageBox.about(self, "About telecrm importer", self.about_text())

    # ----- navigation -----
    def current_step(self) -> int:
        return self.stack.currentIndex()

    def step_available(self, step: int) -> bool:
        s = self.session
        if step in (WORKSPACE, OPEN, RESULTS):
            return step != OPEN or s.workspace.is_configured
        if step == MAP:
            return s.sheet is not None
        if step == SEND and self.send_screen.has_run():  # a past run resumed: its leads wait in the journal
            return True
        if step in (REVIEW, SEND):
            return s.sheet is not None and s.mapping is not None
        return True

    def go_to(self, step: int) -> None:
        if not self.step_available(step):
            self._update_steps()
            return
        screen = self.screens[step]
        later = [v for v in screen.views_painted_later() if v.updatesEnabled()] if step != self.current_step() else []
        for view in later:
            view.setUpdatesEnabled(False)
        self.stack.setCurrentIndex(step)
        screen.on_enter()
        self._update_steps()
        self._settle_focus(screen)
        if later:
            after_paint(self, lambda: [view.setUpdatesEnabled(True) for view in later])

    def _settle_focus(self, screen) -> None:
        """Enter on a new step presses its main button: a focus left on the last step's widgets, or
        on a button (one that hid itself hands the focus to the next button in the chain, such as
        "Open another file…"), moves to the footer's main button, or to the screen while that waits."""
        focus = QApplication.focusWidget()
        if (focus is not None and focus.isVisible() and screen.isAncestorOf(focus)
                and not isinstance(focus, QAbstractButton)):
            return  # a field or table of this step the person is in
        target = self.primary_button if self.primary_button.isEnabled() else screen
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def next_step(self) -> None:
        step = self.current_step()
        if step + 1 < len(self.screens):
            self.go_to(step + 1)

    def previous_step(self) -> None:
        if self.current_step() > 0:
            self.go_to(self.current_step() - 1)

    def _primary_clicked(self) -> None:
        screen = self.screens[self.current_step()]
        if not screen.primary_enabled():
            return
        if screen.on_primary():
            self.next_step()

    def _update_steps(self) -> None:
        sheet = self.session.sheet
        self.setWindowTitle(f"{sheet.path.name} — telecrm importer" if sheet else "telecrm importer")
        current = self.current_step()
        for i, button in enumerate(self.step_buttons):
            button.setEnabled(self.step_available(i))
            button.setChecked(i == current)
            done = i < current and i != RESULTS
            button.setText(f"{'✓' if done else i + 1}  {STEP_NAMES[i]}")
        ws = self.session.workspace
        if ws.use_sandbox:
            self.workspace_label.setText("Workspace: sandbox (nothing leaves this computer)")
        elif ws.is_configured:  # an ID still being typed names no workspace yet
            self.workspace_label.setText(f"Workspace: {ws.enterprise_id.strip()}")
        else:
            self.workspace_label.setText("No workspace yet")
        self._update_footer()

    def _update_footer(self) -> None:
        screen = self.screens[self.current_step()]
        self.back_button.setEnabled(self.current_step() > 0)
        text = screen.primary_text()
        self.primary_button.setVisible(bool(text))
        self.primary_button.setText(text)
        self.primary_button.setEnabled(screen.primary_enabled())

    def show_message(self, kind: str, text: str) -> None:
        if not text:
            self.message_bar.hide()
            return
        # the sentence belongs to the screen that said it (else the one on screen): leaving that
        # screen closes it, so a stale error never sits above another step
        sender = self.sender()
        owner = sender if any(sender is screen for screen in self.screens) else self.stack.currentWidget()
        self.message_bar.owner = owner
        self.message_bar.show_message(kind, text)

    def _close_message_of_other_screen(self) -> None:
        if getattr(self.message_bar, "owner", None) is not self.stack.currentWidget():
            self.message_bar.hide()

    # ----- shortcuts and drops -----
    def _open_file(self) -> None:
        self.go_to(OPEN)
        if self.current_step() == OPEN:
            self.open_screen.choose_file()

    def open_path(self, path: str | Path) -> None:
        if not self.step_available(OPEN):
            # a file handed over before any workspace was chosen ("Open with" on the first start):
            # it opens as soon as one is
            self._waiting_file = Path(path)
            self.show_message("info", f"Choose the workspace to send to; {Path(path).name} opens next.")
            return
        self._waiting_file = None
        self.go_to(OPEN)
        if self.current_step() == OPEN:
            self.open_screen.open_path(Path(path))

    def _open_waiting_file(self) -> None:
        waiting = self._waiting_file
        if waiting is not None and self.step_available(OPEN):
            self.show_message("info", "")
            self.open_path(waiting)

    def _try_sample(self) -> None:
        """First run: the sandbox workspace was chosen; open the sample sheet straight away."""
        self.go_to(OPEN)
        self.open_screen.open_sample()

    def _save_template(self) -> None:
        if self.session.mapping is not None:
            self.map_screen.save_template()

    def _send_shortcut(self) -> None:
        if self.current_step() == REVIEW and self.review_screen.primary_enabled():
            self.go_to(SEND)
        if self.current_step() == SEND and self.send_screen.primary_enabled():
            self.send_screen.on_primary()

    def _resume_run(self, run_id) -> None:
        if self.send_screen.is_running():
            self.show_message("warning", "A run is being sent; pause or cancel it before continuing another.")
            self.go_to(SEND)
            return
        self.send_screen.resume_run(run_id)  # first: it opens the Send step with nothing else loaded
        self.go_to(SEND)

    def _continue_from_banner(self, run_id) -> None:
        self._resume_run(run_id)
        if self.current_step() == SEND and self.send_screen.primary_enabled():
            self.send_screen.start()

    def _retry_run(self, run_id, which: str) -> None:
        if self.send_screen.is_running():
            self.show_message("warning", "A run is being sent; pause or cancel it before sending another.")
            self.go_to(SEND)
            return
        self.send_screen.retry_run(run_id, which)
        self.go_to(SEND)

    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(url.toLocalFile())
                event.acceptProposedAction()
                return

    # ----- geometry -----
    def _restore_geometry(self) -> None:
        geometry = app_settings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # at most the screen's free area: 1180x760 does not fit a 1366x768 screen at 125%
            screen = self.screen().availableGeometry()
            self.resize(min(1180, screen.width()), min(760, screen.height()))

    def closeEvent(self, event):
        if self.send_screen.is_running():
            self.send_screen.pause_for_close()
        for screen in [*self.screens, self.resume_banner]:  # no thread may outlive the window
            stop_workers(screen)
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()
        super().closeEvent(event)
